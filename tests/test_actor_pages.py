"""The actor list and pages: only actors of published examples, bad values as errors."""

import pytest

from catalogue import services
from catalogue.choices import ActorType, ExampleStatus

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    public = ActorFactory(name="Réseau Boussole", actor_type=ActorType.ACCOMPAGNEMENT)
    company = ActorFactory(name="Atelier Élan", actor_type=ActorType.ENTREPRISE)
    hidden = ActorFactory(name="Fondation Secrète", description="Projet confidentiel")
    ExampleFactory(title="Accompagner", partners=[public, company])
    ExampleFactory(title="Brouillon", status=ExampleStatus.BROUILLON, partners=[hidden])
    return {"public": public, "company": company, "hidden": hidden}


def names(response):
    return [actor.name for actor in response.context["actors"]]


def test_actor_list_shows_actors_of_published_examples_in_french_order(client, actors):
    response = client.get("/acteurs/")
    assert names(response) == ["Atelier Élan", "Réseau Boussole"]
    assert response.context["paginator"].count == 2


def test_actor_list_filters_by_name_without_accents_and_by_type(client, actors):
    assert names(client.get("/acteurs/?q=elan")) == ["Atelier Élan"]
    assert names(client.get("/acteurs/?type_acteur=entreprise")) == ["Atelier Élan"]
    assert names(client.get("/acteurs/?q=secrete")) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("type_acteur=nope", "Type d&#x27;acteur inconnu : « nope »."),
        ("page=abc", "Saisissez un numéro de page"),
    ],
)
def test_actor_list_bad_value_is_an_error_and_lists_nothing(client, actors, query, message):
    response = client.get(f"/acteurs/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert names(response) == []


def test_an_actor_named_only_in_drafts_is_as_unknown_as_a_missing_one(client, actors):
    hidden = client.get(actors["hidden"].get_absolute_url())
    missing = client.get("/acteurs/n-existe-pas/")
    assert hidden.status_code == missing.status_code == 404
    assert "Fondation Secrète" not in hidden.content.decode()
    for slug in (actors["hidden"].slug, "n-existe-pas"):
        response = client.get(f"/exemples/?acteur={slug}")
        assert f"Acteur inconnu : « {slug} »" in response.content.decode()
        assert "Fondation Secrète" not in response.content.decode()


def test_actor_list_follows_a_publication(client, actors):
    draft = ExampleFactory(
        title="Autre", status=ExampleStatus.BROUILLON, partners=[actors["hidden"]]
    )
    assert "Fondation Secrète" not in names(client.get("/acteurs/"))
    services.set_status(examples=[draft], user=None, status=ExampleStatus.PUBLIE)
    assert "Fondation Secrète" in names(client.get("/acteurs/"))


def test_only_http_websites_become_links(client, actors):
    from catalogue.models import Actor

    Actor.objects.filter(pk=actors["public"].pk).update(website="javascript:alert(1)")
    Actor.objects.filter(pk=actors["company"].pk).update(website="https://elan.example.org")
    hostile = client.get(actors["public"].get_absolute_url()).content.decode()
    assert 'href="javascript:' not in hostile and "javascript:alert(1)" in hostile
    fine = client.get(actors["company"].get_absolute_url()).content.decode()
    assert 'href="https://elan.example.org"' in fine


def test_only_http_example_websites_become_links(client):
    from catalogue.models import Example

    example = ExampleFactory(title="Verger")
    Example.objects.filter(pk=example.pk).update(website="javascript:alert(1)")
    html = client.get(example.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
