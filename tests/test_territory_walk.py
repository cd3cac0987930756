"""Territory pages a visitor walks through: pays → régions → départements → intercommunalités
→ communes, each with its number of published examples; a full breadcrumb; and, on a
territory with few examples, the territories and examples around it."""

import re

import pytest

from catalogue.choices import ExampleStatus
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def place(slug):
    return Territory.objects.get(slug=slug)


def walk(client, slug):
    response = client.get(f"/territoires/{slug}/")
    assert response.status_code == 200
    return response


def listed(response):
    return {territory.slug: count for territory, count in response.context["subdivisions"]}


@pytest.fixture
def examples_in_the_north():
    """Lille ×2 (one draft aside), Roubaix, the Métropole itself, Arras (62) and Paris."""
    ExampleFactory(territory=place("commune-59350"))
    ExampleFactory(territory=place("commune-59350"))
    ExampleFactory(territory=place("commune-59350"), status=ExampleStatus.BROUILLON)
    ExampleFactory(territory=place("commune-59512"))
    ExampleFactory(territory=place("epci-200093201"))
    ExampleFactory(territory=place("commune-62041"))
    ExampleFactory(territory=place("commune-75056"))


def test_country_page_lists_the_regions_with_their_counts(client, examples_in_the_north):
    response = walk(client, "pays-fr")
    regions = listed(response)
    assert len(regions) == 18
    assert regions["region-32"] == 5
    assert regions["region-11"] == 1
    assert regions["region-53"] == 0
    content = response.content.decode()
    assert '<h2 id="subdivisions">Régions</h2>' in content
    assert re.search(
        r'<li><a href="/territoires/region-32/">Hauts-de-France</a> '
        r'<span class="count">5 exemples publiés</span></li>',
        content,
    )
    assert re.search(r'region-53/">Bretagne</a> <span class="count">aucun exemple publié', content)


def test_region_page_lists_its_departements_with_their_counts(client, examples_in_the_north):
    departements = listed(walk(client, "region-32"))
    assert list(departements) == [
        "departement-02",
        "departement-59",
        "departement-60",
        "departement-62",
        "departement-80",
    ]
    assert departements["departement-59"] == 4  # Lille ×2, Roubaix and the Métropole
    assert departements["departement-62"] == 1


def test_departement_page_lists_its_intercommunalities_with_their_counts(
    client, examples_in_the_north
):
    response = walk(client, "departement-59")
    intercommunalities = listed(response)
    assert intercommunalities["epci-200093201"] == 4  # its members' and its own
    assert intercommunalities["epci-245900428"] == 0  # CU de Dunkerque
    assert all(slug.startswith("epci-") for slug in intercommunalities)
    assert "Intercommunalités" in response.content.decode()


def test_intercommunality_page_lists_its_member_communes_that_have_examples(
    client, examples_in_the_north
):
    communes = listed(walk(client, "epci-200093201"))
    assert communes == {"commune-59350": 2, "commune-59512": 1}


def test_commune_breadcrumb_runs_from_france_through_its_intercommunality(client):
    content = walk(client, "commune-59512").content.decode()
    crumbs = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', content, re.S).group(1)
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', crumbs) == [
        ("/territoires/pays-fr/", "France"),
        ("/territoires/region-32/", "Hauts-de-France"),
        ("/territoires/departement-59/", "Nord"),
        ("/territoires/epci-200093201/", "Métropole Européenne de Lille"),
        ("/territoires/commune-59512/", "Roubaix"),
    ]
    assert 'aria-current="page">Roubaix</a>' in crumbs


def test_breadcrumb_of_a_commune_in_two_intercommunalities_shows_the_nearer(client):
    # Saint-Denis (93) is in Plaine Commune, itself inside the Métropole du Grand Paris.
    trail = walk(client, "commune-93066").context["ancestors"]
    assert [t.slug for t in trail] == [
        "pays-fr",
        "region-11",
        "departement-93",
        "epci-200057867",
    ]


def test_empty_commune_points_to_its_intercommunality_and_departement(client):
    in_lille = ExampleFactory(title="Atelier vélo de Lille", territory=place("commune-59350"))
    ExampleFactory(title="Brouillon de Lille", status=ExampleStatus.BROUILLON)
    in_dunkirk = ExampleFactory(title="Port solidaire", territory=place("commune-59183"))
    response = walk(client, "commune-59512")
    assert response.context["example_count"] == 0
    assert [(t.slug, n) for t, n in response.context["places_around"]] == [
        ("epci-200093201", 1),
        ("departement-59", 2),
    ]
    nearby = [(item.example, item.where) for item in response.context["nearby_examples"]]
    assert nearby == [
        (in_lille, "Dans la même intercommunalité : Métropole Européenne de Lille"),
        (in_dunkirk, "Dans le même département : Nord (59)"),
    ]
    content = response.content.decode()
    assert '<h2 id="a-proximite">Exemples à proximité</h2>' in content
    assert re.search(
        r'<a href="/territoires/epci-200093201/">Métropole Européenne de Lille</a> '
        r'<span class="count">1 exemple publié</span>',
        content,
    )
    assert "Brouillon de Lille" not in content


def test_commune_page_shows_examples_its_partners_take_part_in_elsewhere(client):
    roubaix = place("commune-59512")
    based_here = ActorFactory(name="Entreprise roubaisienne", territory=roubaix)
    elsewhere = ExampleFactory(
        title="Alliance parisienne", territory=place("commune-75056"), partners=[based_here]
    )
    ExampleFactory(
        title="Alliance en brouillon",
        territory=place("commune-75056"),
        partners=[based_here],
        status=ExampleStatus.BROUILLON,
    )
    response = walk(client, "commune-59512")
    assert response.context["partnered_examples"] == [elsewhere]
    assert "Exemples menés ailleurs avec des partenaires basés ici" in response.content.decode()
    assert "Alliance en brouillon" not in response.content.decode()


def test_territory_with_enough_examples_does_not_point_elsewhere(client):
    for _ in range(4):
        ExampleFactory(territory=place("commune-59512"))
    response = walk(client, "commune-59512")
    assert "places_around" not in response.context
    assert "Exemples à proximité" not in response.content.decode()


@pytest.mark.parametrize(
    ("slug", "queries"),
    [
        # territory, catalogue version (the list's reference lists are this process's at that
        # version), the version again (facet index), breadcrumb, page of examples + 2
        # prefetches (objectives, partners), subdivisions; below a département their counts
        # (régions and départements, the counts by type and by domain come from the index).
        ("region-32", 8),
        ("departement-59", 9),
        # An EPCI (not a reference list: read on its own): its examples are found through
        # its member communes, their ids.
        ("epci-200093201", 11),
        # A commune: its ids; with few examples it adds nearby look-ups (one per place until
        # enough are found), examples of partners based here, one load of both + 2
        # prefetches.
        ("commune-59512", 15),
    ],
)
def test_territory_page_query_count(client, django_assert_num_queries, slug, queries):
    ExampleFactory(territory=place("commune-59350"), domains=["sante"])
    ExampleFactory(territory=place("commune-59512"), domains=["sante"])
    for _ in range(4):
        ExampleFactory(territory=place("commune-59599"))  # Tourcoing, in the Métropole
    walk(client, slug)  # builds this process's facet index
    with django_assert_num_queries(queries):
        walk(client, slug)
