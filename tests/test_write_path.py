"""The write path (catalogue.changes): the public version moves only when the public sees a
change, and then in the write's own transaction; facet indexes follow the change log instead
of being rebuilt; bulk writers never write back an example's older edit counter
(Example.version, optimistic locking)."""

import io
import random

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from pyroaring import BitMap

from catalogue import changes, facets, search_index, services
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain, Example, Partnership
from catalogue.sheets.engine import run_import
from catalogue.sheets.examples import ExampleResource
from contributions.services import create_proposal
from core import public_version
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """How many times a facet index was built whole."""
    count = []
    real = facets.FacetIndex.build.__func__

    def counted(cls, number, stamp):
        count.append(number)
        return real(cls, number, stamp)

    monkeypatch.setattr(facets.FacetIndex, "build", classmethod(counted))
    return count


def edit(example, user, **values):
    for name, value in values.items():
        setattr(example, name, value)
    services.save_example(
        example=example, user=user, is_new=False, expected_version=example.version
    )


def test_drafts_proposals_and_archived_examples_leave_the_public_version_alone(
    client, curator, page_cache
):
    draft = ExampleFactory(title="Brouillon discret", status="brouillon")
    archived = ExampleFactory(title="Archive ancienne", status="archive")
    ExampleFactory(title="Verger partagé")
    page = client.get("/exemples/").content
    before = public_version.state()
    edit(draft, curator, title="Brouillon retouché")
    edit(archived, curator, summary="Une note de curateur.")
    services.mark_verified(examples=[draft, archived], user=curator)
    create_proposal(
        data={
            "title": "Proposition du public",
            "summary": "Un résumé.",
            "territoire": Territory.objects.get(slug="commune-59350"),
            "start_year": 2024,
        },
        partners=[{"name": "Amicale laïque", "actor_type": "association", "role": "porteur"}],
        email="personne@example.org",
    )
    assert public_version.state() == before
    assert client.get("/exemples/").content == page  # the cached page, still current


def test_a_published_example_edited_or_unpublished_renews_the_public_version(client, curator):
    example = ExampleFactory(title="Verger partagé")
    before = public_version.state()
    edit(example, curator, title="Verger des voisins")
    assert public_version.state()[0] == before[0] + 1
    services.set_status(examples=[example], user=curator, status="brouillon")
    assert public_version.state()[0] == before[0] + 2
    assert "Verger des voisins" not in client.get("/exemples/").content.decode()


def test_a_form_saved_as_it_was_opened_changes_nothing_public(admin_client):
    example = ExampleFactory(title="Verger partagé", domains=["sante"])
    page = admin_client.get(f"/admin/catalogue/example/{example.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"partnerships-TOTAL_FORMS": 0, "partnerships-INITIAL_FORMS": 0})
    before = public_version.state()
    response = admin_client.post(f"/admin/catalogue/example/{example.pk}/change/", data)
    assert response.status_code == 302
    assert public_version.state() == before
    data["title"] = "Verger des voisins"
    data["opened_version"] += 1
    assert admin_client.post(f"/admin/catalogue/example/{example.pk}/change/", data).status_code
    assert public_version.state()[0] == before[0] + 1


def test_a_page_rendered_during_a_bulk_reindex_is_never_served_after_it(
    client, page_cache, monkeypatch
):
    """The old code renewed the public version before writing: a page rendered half-way was
    cached under the new version and served after the end of the write."""
    first = ExampleFactory(title="Verger Nord", summary="")
    second = ExampleFactory(title="Verger Sud", summary="")
    monkeypatch.setattr(search_index, "INDEX_BATCH_SIZE", 1)
    real_write = search_index._write
    seen = []

    def write_then_look(batch, texts):
        real_write(batch, texts)
        seen.append(client.get("/exemples/?q=potager").content.decode())

    monkeypatch.setattr(search_index, "_write", write_then_look)
    with changes.writing() as change:
        Example.objects.filter(pk__in=[first.pk, second.pk]).update(summary="Un potager")
        change.rebuild(reindex=[first.pk, second.pk])
    assert "1 exemple" in seen[0]  # rendered half-way through the reindex, and cached
    assert "2 exemples" in client.get("/exemples/?q=potager").content.decode()


def test_a_change_written_and_rolled_back_leaves_no_trace(curator):
    example = ExampleFactory(title="Verger partagé")
    before = public_version.state()
    with pytest.raises(RuntimeError), changes.writing() as change:
        change.examples([example.pk])
        Example.objects.filter(pk=example.pk).update(title="Perdu")
        change.finish()  # even once the public version has moved in the transaction
        raise RuntimeError
    assert public_version.state() == before
    assert facets.current_index().stamp == before[1]


# The facet index follows the change log.


def index_state(index):
    return (
        set(index.all),
        {
            f: {v: set(ids) for v, ids in values.items() if ids}
            for f, values in index.bitmaps.items()
        },
        index.figures,
        index.actor_count(index.all),  # every example's actors, followed too
    )


def test_the_facet_index_follows_changes_without_being_rebuilt(builds, curator, admin_client):
    rng = random.Random(17)
    actors = [ActorFactory(actor_type=kind) for kind in ("association", "entreprise", "fondation")]
    examples = [
        ExampleFactory(
            status=rng.choice(["publie", "publie", "brouillon"]),
            domains=rng.sample(["sante", "mobilite", "culture"], k=1),
            odd=[rng.randint(1, 17)],
            partners=rng.sample(actors, k=2),
            start_year=rng.randint(2000, 2024),
        )
        for _ in range(12)
    ]
    facets.current_index().actor_count(BitMap())  # reads every example's actors
    builds.clear()
    for step in range(40):
        example = rng.choice(examples)
        example.refresh_from_db()
        action = rng.choice(["status", "domain", "partner", "place", "year", "delete"])
        if action == "status":
            status = rng.choice(["publie", "brouillon", "archive"])
            services.set_status(examples=[example], user=curator, status=status)
        elif action == "place":
            place = rng.choice(["commune-29019", "commune-59350", "commune-75056"])
            edit(example, curator, territory=Territory.objects.get(slug=place))
        elif action == "year":
            edit(example, curator, start_year=rng.randint(1990, 2025))
        elif action == "domain":
            with changes.writing() as change:
                change.examples([example.pk])
                example.domains.set(Domain.objects.filter(slug=rng.choice(["sante", "culture"])))
        elif action == "partner":
            with changes.writing() as change:
                change.examples([example.pk])
                Partnership.objects.filter(example=example).delete()
                Partnership.objects.create(example=example, actor=rng.choice(actors))
        else:
            services.delete_examples(examples=[example], user=curator)
            examples.remove(example)
        incremental = facets.current_index()
        rebuilt = facets.FacetIndex.build(0, "")
        builds.pop()  # that one is the test's
        assert index_state(incremental) == index_state(rebuilt), (step, action)
    assert builds == []  # every step was followed from the change log
    assert incremental.example_actors.changed  # the actors too
    # The list and the home page read the index: the same numbers as SQL.
    assert incremental.figures["examples"] == Example.objects.filter(status="publie").count()


def test_a_new_worker_starts_from_the_snapshot_and_catches_up(builds, curator):
    example = ExampleFactory(title="Verger partagé", domains=["sante"])
    facets.current_index()  # a worker builds, and leaves its snapshot
    assert len(builds) == 1
    edit(example, curator, title="Verger des voisins")
    facets._index["value"] = None  # a new worker
    index = facets.current_index()
    assert len(builds) == 1  # loaded and caught up, not built
    assert index.stamp == public_version.current()
    assert set(index.of("domaine")["sante"]) == {example.pk}


def test_built_at_deployment_no_worker_builds_and_fiches_count_actors_without_sql(
    builds, django_assert_num_queries
):
    """`manage.py build_facet_index` leaves the snapshot: a new worker loads it, actors
    included, instead of building the index at its first request."""
    example = ExampleFactory(partners=[ActorFactory(), ActorFactory()])
    facets._index["value"] = None
    call_command("build_facet_index", stdout=io.StringIO())
    assert len(builds) == 1
    facets._index["value"] = None  # a new worker
    index = facets.current_index()
    assert len(builds) == 1  # loaded, not built
    with django_assert_num_queries(0):
        assert index.actor_count(index.all) == 2
        index.of("entre_pairs")
        assert index.suggestions is not None
    assert example.pk in index.all


def test_reference_lists_changed_rebuild_the_index(builds, admin_client, client):
    ExampleFactory(domains=["sante"])
    facets.current_index()
    assert ExampleFilterSet(QueryDict("domaine=mobilite")).is_valid()  # lists read
    mobilite = Domain.objects.get(slug="mobilite")
    admin_client.post(
        f"/admin/catalogue/domain/{mobilite.pk}/change/",
        {"name": "Mobilités", "slug": "mobilites", "description": ""},
    )
    index = facets.current_index()
    assert len(builds) == 2 and "mobilites" not in index.of("domaine")
    # The FilterSet's reference lists follow the version too: the new slug is a value.
    assert ExampleFilterSet(QueryDict("domaine=mobilites")).is_valid()
    assert not ExampleFilterSet(QueryDict("domaine=mobilite")).is_valid()


# Exact query counts: constant whatever the number of rows.


def import_rows(examples, title):
    lines = ["Référence,Titre,Territoire,Année de début"]
    lines += [f"{e.reference},{title} {n},commune-59350,2021" for n, e in enumerate(examples)]
    return "\n".join(lines).encode()


def queries_of(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_updating_examples_by_import_costs_the_same_queries_for_3_or_1000(curator, monkeypatch):
    """The reading of the file and the rows, one bulk UPDATE, the lock and check of the
    examples' edit counters, history lines, and the write path's fixed work with one reindex
    pass."""
    territory = Territory.objects.get(slug="commune-59350")
    examples = Example.objects.bulk_create(
        [
            Example(title=f"Ancien {n}", slug=f"ancien-{n}", territory=territory, start_year=2020)
            for n in range(1003)
        ]
    )
    services.assign_references(examples=examples)
    ContentType.objects.clear_cache()
    reindexed = []
    real = search_index.update_search_index
    monkeypatch.setattr(
        search_index, "update_search_index", lambda ids: reindexed.append(len(ids)) or real(ids)
    )
    counts = {}
    for rows in (examples[:3], examples[3:]):
        counts[len(rows)] = queries_of(
            lambda rows=rows: run_import(
                data=import_rows(rows, "Nouveau"),
                extension="csv",
                sheet=ExampleResource,
                user=curator,
            )
        )
    assert reindexed == [3, 1000]
    assert Example.objects.filter(title__startswith="Nouveau").count() == 1003
    if connection.vendor == "postgresql":
        assert counts[3] == counts[1000], counts
    else:  # SQLite's 999 parameters split bulk statements into batches; no query per row
        assert counts[1000] - counts[3] <= 1000 // 40, counts


def test_deleting_an_example_costs_the_same_queries_with_1_or_5_partners(admin_client):
    counts = {}
    for partners in (1, 5):
        example = ExampleFactory(
            partners=[ActorFactory() for _ in range(partners)], domains=["sante"], odd=[4, 17]
        )
        counts[partners] = queries_of(
            lambda pk=example.pk: admin_client.post(
                f"/admin/catalogue/example/{pk}/delete/", {"post": "yes"}
            )
        )
        assert not Example.objects.filter(pk=example.pk).exists()
    assert not Partnership.objects.exists()
    assert counts[1] == counts[5], counts


# Bulk writers never write back an older edit counter (Example.version).


def test_an_action_on_a_copy_loaded_earlier_keeps_a_form_saves_version(curator):
    example = ExampleFactory(title="Verger partagé")
    stale = Example.objects.get(pk=example.pk)
    edit(example, curator, title="Verger des voisins")
    services.mark_verified(examples=[stale], user=curator)
    stored = Example.objects.get(pk=example.pk)
    assert stored.version == example.version + 1 == stale.version + 2
    assert stored.title == "Verger des voisins" and stored.verified_on is not None


def test_an_import_refuses_rows_changed_while_it_ran(curator, monkeypatch):
    example = ExampleFactory(title="Verger partagé")
    real = ExampleResource.before_save_instance

    def meanwhile(self, instance, row, **kwargs):
        Example.objects.filter(pk=instance.pk).update(version=instance.version + 5)
        real(self, instance, row, **kwargs)

    monkeypatch.setattr(ExampleResource, "before_save_instance", meanwhile)
    outcome = run_import(
        data=import_rows([example], "Écrasé"), extension="csv", sheet=ExampleResource,
        user=curator,
    )  # fmt: skip
    assert not outcome.succeeded
    assert example.reference in outcome.problems[0].message
    assert "Rien n'a été enregistré" in outcome.problems[0].message
    assert Example.objects.get(pk=example.pk).title == "Verger partagé"


def test_a_worker_that_can_catch_up_never_reads_the_snapshot(curator, monkeypatch):
    """Unpickling the snapshot costs more than the update itself (1.6 MB at 100,000)."""
    example = ExampleFactory(title="Verger partagé")
    facets.current_index()
    read = []
    real_get = facets.cache.get
    monkeypatch.setattr(
        facets.cache, "get", lambda key, *a, **k: read.append(key) or real_get(key, *a, **k)
    )
    edit(example, curator, title="Verger des voisins")
    assert facets.current_index().stamp == public_version.current()
    assert facets.SNAPSHOT_KEY not in read
