"""The number of different actors of a set of examples (a Fiche Repères' « N acteurs ») is
counted in memory (catalogue.example_actors): the same number as COUNT(DISTINCT actor) over
the partnerships, at every moment, whatever writes came since the arrays were read."""

import pickle
import random

import pytest
from django.db.models import Count
from pyroaring import BitMap

from catalogue import changes, facets, services
from catalogue.choices import ExampleStatus
from catalogue.models import Example, Partnership
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

PLACES = ["commune-59350", "commune-62041", "commune-75056", "commune-29019"]


@pytest.fixture
def catalogue():
    rng = random.Random(7)
    actors = [ActorFactory(name=f"Acteur {n}") for n in range(14)]
    places = [Territory.objects.get(slug=slug) for slug in PLACES]
    for number in range(24):
        ExampleFactory(
            title=f"Exemple {number}",
            territory=rng.choice(places),
            partners=rng.sample(actors, rng.randint(0, 4)),
            status=ExampleStatus.BROUILLON if number % 7 == 3 else ExampleStatus.PUBLIE,
        )
    return actors


def sql_count(example_ids) -> int:
    found = Partnership.objects.filter(example_id__in=list(example_ids))
    return found.aggregate(n=Count("actor", distinct=True))["n"]


def sets_of(index):
    """The whole catalogue, each place's examples, and a few random sets."""
    rng = random.Random(len(index.all))
    yield index.all
    for slug in ("departement-59", "region-32", "departement-75", "region-53"):
        yield index.of("departement" if "dep" in slug else "region").get(slug, BitMap())
    for _ in range(5):
        yield BitMap(rng.sample(list(index.all), len(index.all) // 3))


def check(index):
    for within in sets_of(index):
        assert index.actor_count(within) == sql_count(within), sorted(within)


def test_counts_are_the_databases_after_every_kind_of_write(catalogue):
    index = facets.current_index()
    check(index)
    assert index.example_actors is not None and not index.example_actors.changed

    # A published example's partners replaced (an import), another's taken away, a draft
    # published, a published example archived, another deleted, a new one published.
    first, second, *others = Example.objects.published().order_by("pk")
    newcomer = ActorFactory(name="Nouvel acteur")
    with changes.writing() as change:
        change.examples([first.pk, second.pk])
        services.set_relations(
            items=[(first, {"partners": [(newcomer, ""), (catalogue[0], "")]})], replace=True
        )
        services.set_relations(items=[(second, {"partners": []})], replace=True)
    draft = Example.objects.filter(status=ExampleStatus.BROUILLON).first()
    services.change_examples(examples=[draft], user=None, status="publie", message="Publié")
    services.change_examples(examples=[others[0]], user=None, status="archive", message="Archivé")
    services.delete_examples(examples=Example.objects.filter(pk=others[1].pk), user=None)
    ExampleFactory(title="Nouveau", partners=[newcomer, ActorFactory(name="Autre nouvel acteur")])

    updated = facets.current_index()
    assert updated is not index
    assert updated.example_actors.changed, "the arrays were followed, not read again"
    assert updated.example_actors.actors is index.example_actors.actors
    check(updated)
    assert updated.actor_count(BitMap([first.pk])) == 2


def test_a_snapshot_carries_the_actors_and_past_a_limit_they_are_read_again(catalogue, monkeypatch):
    index = facets.current_index()
    index.actor_count(index.all)
    copy = pickle.loads(pickle.dumps(index))
    check(copy)
    monkeypatch.setattr("catalogue.example_actors.MAX_CHANGED", 1)
    changed = list(Example.objects.published().values_list("pk", flat=True)[:2])
    assert index.example_actors.updated(changed) is None
    assert index.example_actors.updated([]) is index.example_actors
