"""The search document follows every path that feeds it, and only those (both databases)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain, Example, Partnership
from catalogue.search_index import reference_documents, reindex_renamed
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def found(text):
    return set(ExampleFilterSet({"q": text}).qs.values_list("title", flat=True))


# Publishing through the admin action: the same queries for 1 example as for 10 — session,
# user and permissions (4), the change list's filters and counts, built twice (10), the
# selection in a savepoint (3), one UPDATE, one catalogue version, the content type and one
# insert of history lines (4) — never a reindex.
PUBLISH_QUERIES = 21


@pytest.mark.parametrize("count", [1, 10])
def test_publishing_examples_runs_a_fixed_number_of_queries(
    client, curator, django_assert_num_queries, count
):
    drafts = [ExampleFactory(status="brouillon", title=f"Verger {n}") for n in range(count)]
    ContentType.objects.clear_cache()  # the same start whatever ran before
    with django_assert_num_queries(PUBLISH_QUERIES):
        response = client.post(
            "/admin/catalogue/example/",
            {"action": "publish", "_selected_action": [e.pk for e in drafts]},
        )
    assert response.status_code == 302
    assert Example.objects.filter(status="publie").count() == count
    assert len(found("verger")) == count  # still indexed, now public


def test_a_save_that_changes_no_field_of_the_document_costs_no_reindex(
    django_assert_num_queries,
):
    example = ExampleFactory(title="Verger")
    example.verified_on = example.created_at.date()
    # The comparison with the stored row, the UPDATE, the catalogue version; no reindex.
    with django_assert_num_queries(3):
        example.save()
    with django_assert_num_queries(2):  # naming its fields: no comparison either
        example.save(update_fields=["verified_on"])


def test_example_edits_feed_the_document():
    example = ExampleFactory(title="Verger", summary="", description="")
    example.title, example.summary, example.description = "Potager", "Semis", "Compost"
    example.save()
    assert found("potager") == found("semis") == found("compost") == {"Potager"}
    assert found("verger") == set()
    example.territory = Territory.objects.get(slug="commune-29019")  # Brest
    example.save(update_fields=["territory"])
    assert found("brest") == found("bretagne") == {"Potager"}
    assert found("lille") == set()


def test_partners_feed_the_document_when_added_removed_or_renamed():
    example = ExampleFactory(title="Cantine")
    actor = ActorFactory(name="Coopérative Horizon")
    partnership = Partnership.objects.create(example=example, actor=actor)
    assert found("horizon") == {"Cantine"}
    actor.name = "Coopérative Sillon"
    actor.save()
    assert found("sillon") == {"Cantine"} and found("horizon") == set()
    partnership.delete()
    assert found("sillon") == set()


def test_domain_links_and_renames_feed_the_document_from_either_side():
    example = ExampleFactory(title="Atelier vélo")
    mobilite = Domain.objects.get(slug="mobilite")
    mobilite.examples.add(example)
    assert found("mobilite") == {"Atelier vélo"}
    mobilite.examples.clear()
    assert found("mobilite") == set()
    example.domains.add(mobilite)
    mobilite.examples.remove(example)
    assert found("mobilite") == set()
    example.domains.add(mobilite)
    example.domains.clear()
    assert found("mobilite") == set()
    mobilite.examples.add(example)
    mobilite.name = "Déplacements doux"
    mobilite.save()
    assert found("deplacements") == {"Atelier vélo"}


def test_territories_renamed_by_the_loader_feed_the_document():
    ExampleFactory(title="Café des aidants")  # Lille, Nord
    before = reference_documents()
    Territory.objects.filter(slug="departement-59").update(name="Flandre")  # bulk, no signal
    reindex_renamed(before)
    assert found("flandre") == {"Café des aidants"}
    assert found("nord") == set()
    # load_reference_data itself puts the INSEE names back, documents included.
    call_command("load_reference_data", verbosity=0)
    assert found("nord") == {"Café des aidants"} and found("flandre") == set()


def test_an_import_preview_never_reindexes_and_its_confirmation_does_once(monkeypatch):
    """The preview's rollback would hide an index write: watch the indexer itself."""
    import tablib

    from catalogue import search_index
    from catalogue.sheets.examples import ExampleResource

    calls = []
    monkeypatch.setattr(search_index, "update_search_index", lambda ids: calls.append(list(ids)))
    dataset = tablib.Dataset(
        ["", "Verger", "commune-59350", 2020],
        headers=["Référence", "Titre", "Territoire", "Année de début"],
    )
    for dry_run in (True, False):
        ExampleResource().import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)
    assert calls == [[Example.objects.get(title="Verger").pk]]


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


def test_a_save_that_keeps_the_document_keeps_the_example_findable():
    """The stored vector (PostgreSQL) is never overwritten by the copy a save loaded."""
    example = ExampleFactory(title="Verger")
    stale = Example.objects.get(pk=example.pk)  # loaded, then the document changes
    example.title = "Potager"
    example.save()
    stale.title = "Potager"  # the same document: no reindex, and nothing written back
    stale.status = "archive"
    stale.save()
    assert Example.objects.get(pk=example.pk).status == "archive"
    stale.status = "publie"
    stale.save()
    assert found("potager") == {"Potager"}
