"""The search document follows every write that feeds it, through the write path, and only
those (both databases)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from catalogue import changes, services
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain, Example, Partnership
from catalogue.search_index import reference_documents, renamed_examples
from catalogue.sheets.engine import run_import
from catalogue.sheets.examples import ExampleResource
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def found(text):
    return set(ExampleFilterSet({"q": text}).qs.values_list("title", flat=True))


@pytest.fixture
def indexed(monkeypatch):
    """The ids each reindex pass was given."""
    from catalogue import search_index

    calls = []
    real = search_index.update_search_index

    def watched(ids=None):
        calls.append(sorted(ids))
        return real(ids)

    monkeypatch.setattr(search_index, "update_search_index", watched)
    return calls


# Publishing through the admin action: the same queries for 1 example as for 100 — session,
# user and permissions (4), the change list's filters and counts, built twice (10), the
# selection in a savepoint (3), what was public before (1), one UPDATE, the content type and
# one insert of history lines (3), what is public after (2: examples, partners), the public
# version read locked, renewed, and its change row (3) — never a reindex.
PUBLISH_QUERIES = 26


@pytest.mark.parametrize("count", [1, 100])
def test_publishing_examples_runs_a_fixed_number_of_queries(
    client, curator, django_assert_num_queries, indexed, count
):
    drafts = [ExampleFactory(status="brouillon", title=f"Verger {n}") for n in range(count)]
    indexed.clear()
    ContentType.objects.clear_cache()  # the same start whatever ran before
    with django_assert_num_queries(PUBLISH_QUERIES):
        response = client.post(
            "/admin/catalogue/example/",
            {"action": "publish", "_selected_action": [e.pk for e in drafts]},
        )
    assert response.status_code == 302
    assert Example.objects.filter(status="publie").count() == count
    assert indexed == []  # the status is not in the document
    assert len(found("verger")) == count  # indexed as drafts, now public


def test_a_status_change_or_a_verification_costs_no_reindex(indexed, curator):
    example = ExampleFactory(title="Verger")
    indexed.clear()
    services.mark_verified(examples=[example], user=curator)
    services.set_status(examples=[example], user=curator, status="archive")
    assert indexed == []


def test_example_edits_feed_the_document(curator):
    example = ExampleFactory(title="Verger", summary="", description="")
    example.title, example.summary, example.description = "Potager", "Semis", "Compost"
    services.save_example(
        example=example, user=curator, is_new=False, expected_version=example.version
    )
    assert found("potager") == found("semis") == found("compost") == {"Potager"}
    assert found("verger") == set()
    example.territory = Territory.objects.get(slug="commune-29019")  # Brest
    services.save_example(
        example=example, user=curator, is_new=False, expected_version=example.version
    )
    assert found("brest") == found("bretagne") == {"Potager"}
    assert found("lille") == set()


def test_partners_feed_the_document_when_added_removed_or_renamed(admin_client):
    example = ExampleFactory(title="Cantine")
    actor = ActorFactory(name="Coopérative Horizon", actor_type="association")
    response = admin_client.post(
        "/admin/catalogue/partnership/add/",
        {"example": example.pk, "actor": actor.pk, "role": "partenaire", "position": 0},
    )
    assert response.status_code == 302
    assert found("horizon") == {"Cantine"}
    response = admin_client.post(
        f"/admin/catalogue/actor/{actor.pk}/change/",
        {"name": "Coopérative Sillon", "slug": actor.slug, "actor_type": "association"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found("sillon") == {"Cantine"} and found("horizon") == set()
    partnership = Partnership.objects.get(example=example)
    response = admin_client.post(
        f"/admin/catalogue/partnership/{partnership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert found("sillon") == set()


def test_domain_links_and_renames_feed_the_document(admin_client):
    example = ExampleFactory(title="Atelier vélo", domains=["mobilite"])
    assert found("mobilite") == {"Atelier vélo"}
    mobilite = Domain.objects.get(slug="mobilite")
    response = admin_client.post(
        f"/admin/catalogue/domain/{mobilite.pk}/change/",
        {"name": "Déplacements doux", "slug": "mobilite", "description": ""},
    )
    assert response.status_code == 302
    assert found("deplacements") == {"Atelier vélo"}
    response = admin_client.post(f"/admin/catalogue/domain/{mobilite.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert found("deplacements") == set()
    assert Example.objects.get(pk=example.pk).version == example.version + 1


def test_territories_renamed_by_the_loader_feed_every_document_below_them():
    ExampleFactory(title="Café des aidants")  # Lille, Nord
    with changes.writing() as change:
        before = reference_documents()
        Territory.objects.filter(slug="departement-59").update(name="Flandre")
        change.rebuild(reindex=renamed_examples(before))
    assert found("flandre") == {"Café des aidants"}
    assert found("nord") == set()
    # load_reference_data itself puts the INSEE names back, documents included.
    call_command("load_reference_data", verbosity=0)
    assert found("nord") == {"Café des aidants"} and found("flandre") == set()


def test_an_import_preview_never_reindexes_and_its_confirmation_does_once(indexed):
    data = "Référence,Titre,Territoire,Année de début\n,Verger,commune-59350,2020\n".encode()
    for dry_run in (True, False):
        outcome = run_import(data=data, extension="csv", sheet=ExampleResource, dry_run=dry_run)
        assert outcome.succeeded, outcome.problems
    assert indexed == [[Example.objects.get(title="Verger").pk]]


def test_typographic_names_are_found_as_typed_on_a_keyboard():
    """The document and the query fold alike on both databases (french.text.fold)."""
    ExampleFactory(
        title="Chaire des transitions",
        partners=[
            ActorFactory(name="Université Côte d'Azur — Chaire Territoires"),
            ActorFactory(name="L’Îlot Vert"),
            ActorFactory(name="Fondation\u00a0« Demain »"),
        ],
    )
    for query in ("l'ilot vert", "L’Îlot", "ilot", "demain", "cote d azur", "chaire-territoires"):
        assert found(query) == {"Chaire des transitions"}, query


def test_a_save_never_writes_back_the_vector_it_loaded(curator):
    """The stored vector (PostgreSQL) is never overwritten by the copy a save loaded."""
    example = ExampleFactory(title="Verger")
    stale = Example.objects.get(pk=example.pk)  # loaded, then the document changes
    example.title = "Potager"
    services.save_example(
        example=example, user=curator, is_new=False, expected_version=example.version
    )
    services.set_status(examples=[stale], user=curator, status="archive")
    assert Example.objects.get(pk=example.pk).status == "archive"
    assert Example.objects.get(pk=example.pk).title == "Potager"
    services.set_status(examples=[stale], user=curator, status="publie")
    assert found("potager") == {"Potager"}
