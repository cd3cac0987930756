"""One test per filter of /exemples/: parameters in, examples out."""

import pytest
from django.http import QueryDict

from catalogue import selectors
from catalogue.choices import ActorType, ExampleStatus, PartnerRole, Scale
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import PartnershipType
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def place(slug):
    return Territory.objects.get(slug=slug)


@pytest.fixture
def alliances():
    association = ActorFactory(name="Les Petits Débrouillards du Nord")
    company = ActorFactory(name="Boulangerie Coopérative", actor_type=ActorType.ENTREPRISE)
    town = ActorFactory(name="Ville de Roubaix", actor_type=ActorType.COLLECTIVITE)
    foundation = ActorFactory(name="Fondation Passerelle", actor_type=ActorType.FONDATION)
    types = {t.slug: t for t in PartnershipType.objects.all()}
    examples = {
        "lille": ExampleFactory(
            title="Sciences à l'école",
            territory=place("commune-59350"),
            partners=[(association, PartnerRole.PORTEUR), company],
            domains=["education-et-jeunesse"],
            odd=[4, 17],
            alliance=[1],
            scale=Scale.LOCAL,
            start_year=2019,
        ),
        "roubaix": ExampleFactory(
            title="Santé de proximité",
            territory=place("commune-59512"),
            partners=[association, town],
            domains=["sante"],
            odd=[3],
            alliance=[4],
            scale=Scale.DEPARTEMENTAL,
            start_year=2021,
            end_year=2022,
        ),
        "paris": ExampleFactory(
            title="Mentorat d'entrepreneurs",
            territory=place("commune-75056"),
            partners=[company, foundation],
            domains=["education-et-jeunesse"],
            odd=[4],
            alliance=[3],
            scale=Scale.NATIONAL,
            start_year=2015,
        ),
        "metropole": ExampleFactory(
            title="Légumerie métropolitaine",
            territory=place("epci-200093201"),
            partners=[association],
            domains=["alimentation"],
            odd=[2],
            scale=Scale.REGIONAL,
            start_year=2023,
        ),
    }
    examples["lille"].partnership_types.add(types["mecenat"])
    examples["roubaix"].partnership_types.add(types["innovation-societale"])
    examples["paris"].partnership_types.add(types["cooperation-economique"], types["mecenat"])
    ExampleFactory(
        title="Brouillon lillois",
        status=ExampleStatus.BROUILLON,
        territory=place("commune-59350"),
        partners=[association, company],
        domains=["education-et-jeunesse"],
        odd=[4],
    )
    ExampleFactory(title="Archive lilloise", status=ExampleStatus.ARCHIVE, odd=[4])
    return examples


def titles(query):
    filterset = ExampleFilterSet(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return [example.title for example in filterset.qs]


def errors(query):
    filterset = ExampleFilterSet(QueryDict(query))
    assert not filterset.is_valid()
    return filterset.errors


def test_filter_none_lists_every_published_example_newest_first(alliances):
    assert titles("") == [
        "Légumerie métropolitaine",
        "Santé de proximité",
        "Sciences à l'école",
        "Mentorat d'entrepreneurs",
    ]


def test_filter_q_searches_words(alliances):
    assert titles("q=ecoles") == ["Sciences à l'école"]


def test_filter_region_includes_its_communes_and_epci(alliances):
    assert set(titles("territoire=region-32")) == {
        "Sciences à l'école",
        "Santé de proximité",
        "Légumerie métropolitaine",
    }


def test_filter_departement_and_commune(alliances):
    assert set(titles("territoire=departement-75")) == {"Mentorat d'entrepreneurs"}
    assert titles("territoire=commune-59512") == ["Santé de proximité"]


def test_filter_epci_includes_its_member_communes(alliances):
    assert set(titles("territoire=epci-200093201")) == {
        "Sciences à l'école",
        "Santé de proximité",
        "Légumerie métropolitaine",
    }


def test_filter_actor_type_requires_every_type_given(alliances):
    assert set(titles("type_acteur=association")) == {
        "Sciences à l'école",
        "Santé de proximité",
        "Légumerie métropolitaine",
    }
    assert titles("type_acteur=association&type_acteur=entreprise") == ["Sciences à l'école"]
    assert titles("type_acteur=fondation&type_acteur=collectivite") == []


def test_filter_domain_is_any_of(alliances):
    assert set(titles("domaine=sante&domaine=alimentation")) == {
        "Santé de proximité",
        "Légumerie métropolitaine",
    }


def test_filter_odd_is_any_of(alliances):
    assert set(titles("odd=4")) == {"Sciences à l'école", "Mentorat d'entrepreneurs"}
    assert set(titles("odd=2&odd=3")) == {"Santé de proximité", "Légumerie métropolitaine"}


def test_filter_alliance_objective(alliances):
    assert titles("objectif=4") == ["Santé de proximité"]


def test_filter_partnership_type(alliances):
    assert set(titles("type_partenariat=mecenat")) == {
        "Sciences à l'école",
        "Mentorat d'entrepreneurs",
    }


def test_filter_scale(alliances):
    assert set(titles("echelle=national&echelle=regional")) == {
        "Mentorat d'entrepreneurs",
        "Légumerie métropolitaine",
    }


def test_filter_actor(alliances):
    assert set(titles("acteur=fondation-passerelle")) == {"Mentorat d'entrepreneurs"}


def test_filter_years(alliances):
    assert set(titles("annee_min=2020")) == {"Santé de proximité", "Légumerie métropolitaine"}
    assert titles("annee_min=2016&annee_max=2020") == ["Sciences à l'école"]


def test_filters_combine(alliances):
    assert titles("territoire=region-32&odd=4&type_acteur=entreprise") == ["Sciences à l'école"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("recent", ["Légumerie métropolitaine", "Santé de proximité"]),
        ("ancien", ["Mentorat d'entrepreneurs", "Sciences à l'école"]),
        ("titre", ["Légumerie métropolitaine", "Mentorat d'entrepreneurs"]),
    ],
)
def test_sorting(alliances, sort, expected):
    assert titles(f"tri={sort}")[:2] == expected


def test_sorting_by_relevance_puts_title_matches_first(alliances):
    ExampleFactory(title="Potager partagé", summary="Avec les écoles voisines.", start_year=2024)
    assert titles("q=ecole")[0] == "Sciences à l'école"
    assert set(titles("q=ecole")) == {"Sciences à l'école", "Potager partagé"}


@pytest.mark.parametrize(
    "query",
    [
        "q=ecole",
        "q=ecole&tri=recent",
        "q=partenariat&tri=ancien",
        "q=partenariat",
        "territoire=region-32",
        "territoire=region-32&tri=ancien",
        "domaine=sante&q=sante",
        "type_acteur=association&tri=titre",
    ],
)
def test_list_page_order_is_the_filtersets_order(client, alliances, query):
    """The page sorts in memory what SQL sorts for exports: the same order."""
    for year, title in enumerate(["Santé à l'école", "École de la santé", "Partenariat école"]):
        ExampleFactory(title=title, summary="Un partenariat.", start_year=2000 + year % 2)
    shown = [e.pk for e in client.get(f"/exemples/?{query}").context["examples"]]
    assert shown == [e.pk for e in ExampleFilterSet(QueryDict(query)).qs][:25]
    assert shown


@pytest.mark.parametrize(
    "query", ["", "tri=recent", "tri=ancien", "domaine=sante", "domaine=sante&tri=ancien"]
)
def test_every_page_of_a_long_list_is_in_the_sql_order(client, query):
    """The orders by start year are read from the facet index's year bitmaps whatever the
    number of examples: every page, ties between years included, is SQL's."""
    for number in range(64):
        ExampleFactory(
            title=f"Exemple {number}",
            start_year=2000 + number % 5,
            domains=["sante"] if number % 3 else ["culture"],
        )
    in_sql = [e.pk for e in ExampleFilterSet(QueryDict(query)).qs]
    shown = []
    for page in range(1, min(3, -(-len(in_sql) // 25)) + 1):
        response = client.get(f"/exemples/?{query}&page={page}")
        shown += [e.pk for e in response.context["examples"]]
    assert len(in_sql) > 25
    assert shown == in_sql[:75]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("odd=99", "odd"),
        ("odd=abc", "odd"),
        ("annee_min=abc", "annee_min"),
        ("annee_max=1800", "annee_max"),
        ("annee_min=2022&annee_max=2020", "annee_max"),
        ("territoire=region-999", "territoire"),
        ("acteur=inconnu", "acteur"),
        ("domaine=astrologie", "domaine"),
        ("type_acteur=pirate", "type_acteur"),
        ("echelle=galactique", "echelle"),
        ("type_partenariat=troc", "type_partenariat"),
        ("tri=hasard", "tri"),
        ("page=zero", "page"),
    ],
)
def test_bad_values_are_form_errors(alliances, query, field):
    assert field in errors(query)


def test_unknown_territory_error_names_the_value(alliances):
    assert errors("territoire=region-999")["territoire"] == ["Territoire inconnu : « region-999 »."]


@pytest.mark.parametrize(
    "facet_query",
    [
        "",
        "territoire=region-32",
        "type_acteur=association",
        "odd=4",
        "q=ecole",
        "domaine=education-et-jeunesse&echelle=local",
    ],
)
def test_facet_counts_equal_the_counts_of_applying_the_value(alliances, facet_query):
    filterset = ExampleFilterSet(QueryDict(facet_query))
    assert filterset.is_valid()
    counts = selectors.facet_counts(selectors.example_matches(filterset))
    assert counts["total"][""] == filterset.qs.count()
    base = QueryDict(facet_query)
    for facet in ("type_acteur", "domaine", "odd", "objectif", "type_partenariat", "echelle"):
        for value, _label in filterset.form.fields[facet].choices:
            query = base.copy()
            if facet != "type_acteur":
                query.setlist(facet, [value])  # "any of": choosing one value alone
            else:
                query.appendlist(facet, value)  # actor types combine
            expected = ExampleFilterSet(query).qs.count()
            assert counts[facet].get(value, 0) == expected, (facet, value)
    for territory in ("region-32", "region-11", "departement-59", "departement-75"):
        query = base.copy()
        query["territoire"] = territory
        level = territory.split("-")[0]
        expected = ExampleFilterSet(query).qs.count()
        assert counts[level].get(territory, 0) == expected, territory
