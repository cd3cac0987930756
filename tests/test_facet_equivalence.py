"""The list's two paths agree on multi-value queries: the FilterSet's SQL filters and the
facet index's bitmaps (catalogue.facets, read by catalogue.selectors) give the same
examples and the same counts.

Each facet filter is defined twice — a filter method of ExampleFilterSet, and a bitmap
operation in selectors._kept_by — so a random catalogue is queried with random
combinations of several values per facet ("any of"; actor types "all of"), a territory
and words, and every answer of the index is compared with the one SQL gives:

- the examples the list shows (the facet total, `example_matches`, `ordered_ids`) are the
  FilterSet's own queryset (the filter methods on `Example.objects.published()`);
- the count beside each facet value is what SQL gives once that value is chosen: alone in
  its facet for an "any of" facet or a territory, added to the others for actor types.

Drafts and archived examples carry values that no published example has: they must never
be found nor counted.
"""

import random

import pytest
from django.db import transaction
from django.http import QueryDict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from catalogue import facets, selectors
from catalogue.choices import ActorType, ExampleStatus, Scale
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain, Example, PartnershipType
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

# Where the examples are: communes of several départements and régions, a département, a
# région, an EPCI and the whole country themselves (the index reads its places from paths).
PUBLISHED_PLACES = [
    "commune-59350",  # Lille, Nord, Hauts-de-France
    "commune-59512",  # Roubaix, Nord
    "departement-59",
    "epci-200093201",  # Métropole Européenne de Lille, Nord
    "commune-75056",  # Paris
    "commune-93066",  # Saint-Denis, Seine-Saint-Denis, Île-de-France
    "commune-29019",  # Brest, Finistère, Bretagne
    "commune-35238",  # Rennes, Ille-et-Vilaine, Bretagne
    "region-53",
    "commune-69123",  # Lyon
    "commune-97411",  # Saint-Denis, La Réunion
    "pays-fr",
]
# Only drafts and archived examples are there: their counts must stay 0.
HIDDEN_PLACES = ["commune-67482"]  # Strasbourg, Bas-Rhin, Grand Est
HIDDEN_DOMAIN = "egalite-femmes-hommes"
HIDDEN_ACTOR_TYPE = ActorType.CITOYENS
HIDDEN_WORD = "clandestin"

THEMES = ["Verger", "Cantine", "Atelier vélo", "Jardin partagé", "Ressourcerie", "Mentorat"]
ACTOR_WORDS = ["Horizon", "Passerelle", "Sillon", "Boussole", "Estran", "Canopée", "Rivage"]
WORDS = [
    "verger",
    "cantine",
    "jardin",
    "atelier",
    "horizon",
    "passerelle",
    "lille",
    "nord",
    "bretagne",
    "fondation",
    "verger OR cantine",
    "-lille",
    "jardin nord",
    "vergre",  # a typo the search corrects
    HIDDEN_WORD,
    "introuvable",
]
SCALES = [*Scale.values, ""]
ODD = [str(n) for n in range(1, 18)]
ALLIANCE_OBJECTIVES = ["1", "2", "3", "4"]
FILTER_LIST_FACETS = ("domaine", "odd", "objectif", "type_partenariat", "echelle")


def sample(rng, values, most):
    return rng.sample(values, rng.randint(0, most))


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """~60 examples built once for the module, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        rng = random.Random(1717)
        domains = [d for d in Domain.objects.values_list("slug", flat=True) if d != HIDDEN_DOMAIN]
        kinds = list(PartnershipType.objects.values_list("slug", flat=True))
        places = {t.slug: t for t in Territory.objects.filter(slug__in=PUBLISHED_PLACES)}
        hidden_places = [Territory.objects.get(slug=slug) for slug in HIDDEN_PLACES]
        visible_types = [t for t in ActorType.values if t != HIDDEN_ACTOR_TYPE]
        actors = [
            ActorFactory(
                name=f"{ActorType(kind).label} {ACTOR_WORDS[n % len(ACTOR_WORDS)]} {n}",
                actor_type=kind,
            )
            for n, kind in enumerate(visible_types * 2)
        ]
        hidden_actor = ActorFactory(name="Collectif citoyen", actor_type=HIDDEN_ACTOR_TYPE)
        for n in range(60):
            status = ExampleStatus.PUBLIE
            if n % 9 == 4:
                status = ExampleStatus.BROUILLON
            elif n % 11 == 7:
                status = ExampleStatus.ARCHIVE
            visible = status == ExampleStatus.PUBLIE
            partners = sample(rng, actors, 4)
            example_domains = sample(rng, domains, 3)
            territory = places[rng.choice(PUBLISHED_PLACES)]
            title = f"{rng.choice(THEMES)} numéro {n}"
            if not visible:
                # What only hidden examples have, besides values shared with visible ones.
                partners.append(hidden_actor)
                example_domains.append(HIDDEN_DOMAIN)
                title += f" {HIDDEN_WORD}"
                if rng.random() < 0.5:
                    territory = rng.choice(hidden_places)
            ExampleFactory(
                title=title,
                status=status,
                territory=territory,
                scale=rng.choice(SCALES),
                start_year=rng.randint(2000, 2024),
                partners=partners,
                domains=example_domains,
                odd=sample(rng, range(1, 18), 3),
                alliance=sample(rng, range(1, 5), 2),
                partnership_types=sample(rng, kinds, 2),
            )
        published = set(Example.objects.published().values_list("pk", flat=True))
        assert 40 <= len(published) < 60
        yield {"published": published, "domains": [*domains, HIDDEN_DOMAIN], "kinds": kinds}
        transaction.set_rollback(True)


def territory_slugs():
    """Régions and départements of the catalogue (visible or hidden), and a few others."""
    slugs = set()
    for slug in [*PUBLISHED_PLACES, *HIDDEN_PLACES]:
        path = Territory.objects.get(slug=slug).path
        slugs.update(s for s in path.strip("/").split("/") if s.startswith(("region", "depart")))
    return sorted(slugs | {"region-44", "region-93", "departement-13", "departement-62"})


def with_territories(catalogue):
    slugs = territory_slugs()
    places = Territory.objects.in_bulk(slugs, field_name="slug")
    return {**catalogue, "territories": slugs, "places": places}


def query_dicts(domains, kinds, territories):
    """Up to three values per facet, maybe a territory and words."""

    def values(choices):
        return st.lists(st.sampled_from(choices), max_size=3, unique=True)

    places = [*territories, "pays-fr", "commune-59350", "epci-200093201"]
    return st.fixed_dictionaries(
        {
            "domaine": values(domains),
            "odd": values(ODD),
            "objectif": values(ALLIANCE_OBJECTIVES),
            "type_partenariat": values(kinds),
            "echelle": values(Scale.values),
            "type_acteur": values(ActorType.values),
            "territoire": st.one_of(st.none(), st.sampled_from(places)),
            "q": st.one_of(st.none(), st.none(), st.sampled_from(WORDS)),
        }
    )


def as_params(query) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, value in query.items():
        if value:
            params.setlist(name, value if isinstance(value, list) else [value])
    return params


def filterset(params) -> ExampleFilterSet:
    result = ExampleFilterSet(params)
    assert result.is_valid(), result.errors
    return result


def sql_ids(queryset) -> set[int]:
    return set(queryset.order_by().values_list("pk", flat=True))


def check_query(query, context):
    params = as_params(query)
    # (a) The examples: the SQL filters alone, then the facet index.
    expected = sql_ids(filterset(params).qs)
    assert expected <= context["published"]
    indexed = filterset(params)
    matches = selectors.example_matches(indexed)
    counts = selectors.facet_counts(matches)
    found = set(matches.ids)
    assert found == expected, f"{query}: index {sorted(found)} ≠ SQL {sorted(expected)}"
    assert counts["total"][""] == len(expected), query
    assert set(selectors.ordered_ids(indexed, matches)) == expected, query  # what the list pages

    # (b) The count beside each facet value: SQL once that value is chosen.
    for facet, filter_name in facets.FACET_FILTERS.items():
        if facet == "type_acteur":
            # Actor types combine: each one's count is within the current results.
            others = indexed
            choices = ActorType.values
        else:
            # "Any of": the other filters, with this facet's choice replaced by the value.
            others = filterset(as_params({**query, filter_name: None}))
            choices = {
                "domaine": context["domains"],
                "odd": ODD,
                "objectif": ALLIANCE_OBJECTIVES,
                "type_partenariat": context["kinds"],
                "echelle": Scale.values,
            }.get(facet) or [s for s in context["territories"] if s.startswith(facet)]
        base = others.qs
        sql_filter = others.filters[filter_name]
        for value in choices:
            chosen = context["places"][value] if filter_name == "territoire" else [value]
            sql_count = sql_filter.filter(base, chosen).order_by().count()
            assert counts[facet].get(value, 0) == sql_count, (query, facet, value)
        # Values this check did not name count nothing (régions, départements elsewhere).
        assert not {v for v, n in counts[facet].items() if n and v not in choices}, (query, facet)


def test_facet_index_agrees_with_sql_on_multi_value_queries(catalogue):
    context = with_territories(catalogue)

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        # No shrinking: each query costs ~100 SQL queries, and a failing one is short to read.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query_dicts(catalogue["domains"], catalogue["kinds"], context["territories"]))
    def equivalent(query):
        check_query(query, context)

    equivalent()


def test_facet_index_agrees_with_sql_on_chosen_multi_value_queries(catalogue):
    """A few queries every run, whatever Hypothesis draws: two or three values in each
    facet at once, alone and combined."""
    context = with_territories(catalogue)
    domains = catalogue["domains"]
    for query in (
        {"domaine": domains[:3]},
        {"domaine": [domains[5], HIDDEN_DOMAIN]},
        {"odd": ["3", "4", "17"]},
        {"objectif": ["2", "4"]},
        {"type_partenariat": catalogue["kinds"][1:4]},
        {"echelle": ["local", "national"]},
        {"type_acteur": ["association", "entreprise"]},
        {"type_acteur": [HIDDEN_ACTOR_TYPE]},
        {"territoire": "region-32", "domaine": domains[:2], "odd": ["1", "2", "5"]},
        {"territoire": "departement-59", "echelle": ["local", "regional", "departemental"]},
        {"territoire": "departement-67"},
        {"q": "verger OR cantine", "objectif": ["1", "3"], "type_partenariat": ["mecenat"]},
        {"q": HIDDEN_WORD},
    ):
        check_query(query, context)
