"""The selectors (catalogue/selectors.py) read without side effects: a FilterSet gives the
same matches, counts and order whatever was read from it before and however often, and the
pages and the API that share a selector list the same things."""

import pytest
from django.http import QueryDict

from catalogue import selectors
from catalogue.choices import ActorType
from catalogue.filtersets import ExampleFilterSet
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

# Each reaches the in-memory order (filtered, few results) but "titre" and "" (SQL).
QUERIES = [
    "",
    "q=ecole",
    "q=ecole&tri=ancien",
    "q=partenariat&domaine=sante",
    "territoire=region-32&tri=recent",
    "territoire=commune-59350",
    "type_acteur=association&tri=titre",
    "odd=4&annee_min=2001",
]


@pytest.fixture
def catalogue():
    association = ActorFactory(name="Les Petits Débrouillards")
    company = ActorFactory(name="Boulangerie Coopérative", actor_type=ActorType.ENTREPRISE)
    lille = Territory.objects.get(slug="commune-59350")
    for number, title in enumerate(
        ["Santé à l'école", "École de la santé", "Partenariat école", "Jardin partagé"]
    ):
        ExampleFactory(
            title=title,
            # The newest finds « école » in its summary only: relevance is not the years.
            summary="Un partenariat avec l'école." if number == 3 else "Un partenariat.",
            start_year=2010 if number == 3 else 2000 + number % 3,
            territory=lille if number % 2 else Territory.objects.get(slug="commune-75056"),
            partners=[association, company] if number % 2 else [association],
            domains=["sante"] if number < 2 else ["education-et-jeunesse"],
            odd=[4],
        )


def valid(query) -> ExampleFilterSet:
    filterset = ExampleFilterSet(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return filterset


def reads(filterset, matches):
    """Everything a page reads of a list, as plain values."""
    return (
        sorted(matches.ids),
        selectors.facet_counts(matches),
        list(selectors.ordered_ids(filterset, matches)),
        list(selectors.ordered_results(filterset)[:25]),
    )


@pytest.mark.parametrize("query", QUERIES)
def test_a_filterset_reads_the_same_twice_and_in_any_order(catalogue, query):
    # Order first, then counts, then again with the same FilterSet.
    first = valid(query)
    matches = selectors.example_matches(first)
    ordered = list(selectors.ordered_ids(first, matches))
    counts = selectors.facet_counts(matches)
    assert reads(first, selectors.example_matches(first)) == reads(first, matches)
    # The queryset first, then the selectors: nothing is written on the FilterSet.
    second = valid(query)
    from_sql = list(second.qs.values_list("pk", flat=True))
    before = dict(vars(second))
    again = selectors.example_matches(second)
    assert reads(second, again) == reads(first, matches)
    assert vars(second) == before
    assert ordered == from_sql  # the order in memory is the SQL order
    assert counts["total"][""] == len(from_sql)


def test_each_filterset_keeps_its_own_words(catalogue):
    """Two lists read one after the other do not see each other's matches or relevance:
    the garden is the best answer to « jardin » and the last one to « école »."""
    searched, other = valid("q=ecole"), valid("q=jardin")
    searched_matches = selectors.example_matches(searched)
    other_matches = selectors.example_matches(other)
    garden = list(other_matches.ids)
    assert len(garden) == 1 and garden[0] in searched_matches.ids
    in_order = list(selectors.ordered_ids(searched, searched_matches))
    assert in_order == list(valid("q=ecole").qs.values_list("pk", flat=True))
    assert in_order[-1] == garden[0]
    assert list(selectors.ordered_ids(other, other_matches)) == garden


@pytest.fixture
def actors():
    """More actors than one page (50), of two types, some sharing a word of their name."""
    kinds = [ActorType.ASSOCIATION, ActorType.ENTREPRISE]
    made = [
        ActorFactory(
            name=f"Réseau {'Boussole' if n % 3 else 'Élan'} {n:02d}", actor_type=kinds[n % 2]
        )
        for n in range(56)
    ]
    ExampleFactory(partners=made[:30])
    ExampleFactory(partners=made[30:])
    ActorFactory(name="Réseau sans exemple")  # never listed


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=2",
        "q=boussole",
        "q=elan",
        "type_acteur=entreprise",
        "q=reseau&page=2",
        "q=reseau&type_acteur=association",
    ],
)
def test_the_actor_api_lists_the_actor_pages_ids(client, actors, query):
    page = client.get(f"/acteurs/?{query}")
    body = client.get(f"/api/v1/acteurs/?{query}").json()
    shown = [actor.slug for actor in page.context["actors"]]
    assert shown  # each query lists someone
    assert [actor["slug"] for actor in body["results"]] == shown
    assert body["count"] == page.context["paginator"].count


def test_territory_counts_from_the_index_are_the_databases_at_every_level(catalogue):
    """The pays, régions and départements are counted from the facet index, the EPCI and
    communes by SQL: the same numbers as counting the published examples below each, drafts
    and another région's examples left out."""
    from catalogue.choices import ExampleStatus
    from catalogue.models import Example

    ExampleFactory(territory=Territory.objects.get(slug="commune-59350"), status="brouillon")
    slugs = [
        "pays-fr",
        "region-32",
        "region-11",
        "region-84",
        "departement-59",
        "departement-75",
        "departement-69",
        "epci-200093201",
        "commune-59350",
        "commune-59512",
    ]
    territories = list(Territory.objects.filter(slug__in=slugs))
    assert len(territories) == len(slugs)
    counts = selectors.territory_counts(territories)
    published = Example.objects.filter(status=ExampleStatus.PUBLIE)
    expected = {t.pk: published.filter(territory__in=t.descendants()).count() for t in territories}
    assert counts == expected
    assert counts[Territory.objects.get(slug="region-32").pk] == 2  # Lille's two
    assert counts[Territory.objects.get(slug="pays-fr").pk] == 4
