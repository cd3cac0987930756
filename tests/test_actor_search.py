"""One actor search (`ActorQuerySet.matching`, on `folded_name`) for the public actor list and
the admin: accents, case, word order and hyphens ignored; SIREN and RNA in the admin only."""

import pytest

from catalogue.models import Actor

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    made = {
        "ecole": ActorFactory(name="École des Œuvres de Saint-Étienne", siren="552100554"),
        "cafe": ActorFactory(name="CAFÉ SOLIDAIRE", rna="W595012345"),
        "other": ActorFactory(name="Atelier Élan"),
    }
    ExampleFactory(partners=list(made.values()))
    return made


def found(text, **kwargs):
    return set(Actor.objects.matching(text, **kwargs).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text",
    [
        "ecole",
        "ÉCOLE",
        "oeuvres",
        "Œuvres école",
        "saint etienne",
        "Saint-Étienne",
        "  ecole   saint ",
    ],
)
def test_actor_search_ignores_accents_case_word_order_and_hyphens(actors, text):
    assert found(text) == {"École des Œuvres de Saint-Étienne"}


def test_actor_search_needs_every_word(actors):
    assert found("café") == {"CAFÉ SOLIDAIRE"}
    assert found("cafe ecole") == set()


def test_actor_search_finds_siren_and_rna_only_when_asked(actors):
    assert found("552100554") == set()
    assert found("552100554", identifiers=True) == {"École des Œuvres de Saint-Étienne"}
    assert found("w595012345", identifiers=True) == {"CAFÉ SOLIDAIRE"}


def test_actor_search_public_list_and_admin_agree(client, admin_client, actors):
    public = client.get("/acteurs/", {"q": "SAINT etienne ŒUVRES"})
    assert [actor.name for actor in public.context["actors"]] == [
        "École des Œuvres de Saint-Étienne"
    ]
    admin = admin_client.get("/admin/catalogue/actor/", {"q": "SAINT etienne ŒUVRES"})
    assert [actor.name for actor in admin.context["cl"].result_list] == [
        "École des Œuvres de Saint-Étienne"
    ]
