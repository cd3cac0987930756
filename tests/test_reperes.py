"""Fiches Repères: every figure is the total of the list it links to; drafts and archived
examples never count; the alliance matrix; the map of the 101 départements; caching."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from catalogue import changes, search_index, services
from catalogue.choices import ActorType, ExampleStatus, Scale
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example
from reperes import figures
from territoires.models import Territory, TerritoryLevel

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a\b[^>]*\bhref="(/exemples/[^"]*)"[^>]*>', re.S)
COUNT = re.compile(r'\bdata-count="(\d+)"')
TOTAL = re.compile(r'<h2 id="titre-resultats"[^>]*>([\d\s\u202f\xa0]+) exemple')
FICHES = [
    "/reperes/",
    "/reperes/region-32/",
    "/reperes/departement-59/",
    "/reperes/epci-200093201/",
    "/reperes/type-acteur/association/",
    "/reperes/domaine/numerique/",
]


def territory(slug):
    return Territory.objects.get(slug=slug)


@pytest.fixture
def sample(lille):
    """Four published examples (Lille ×2, Arras, Paris) and, beside them, a draft and an
    archived example that carry every value again and must never count."""
    associations = [ActorFactory(name=f"Association {n}") for n in range(3)]
    company = ActorFactory(name="Entreprise", actor_type=ActorType.ENTREPRISE)
    city = ActorFactory(name="Ville", actor_type=ActorType.COLLECTIVITE)
    school = ActorFactory(name="Université", actor_type=ActorType.ACADEMIQUE)
    published = [
        ExampleFactory(
            partners=[associations[0], associations[1], company],
            domains=["numerique", "education-et-jeunesse"],
            odd=[4, 17],
            alliance=[3],
            partnership_types=["mecenat"],
            scale=Scale.LOCAL,
            start_year=2019,
        ),
        ExampleFactory(
            partners=[company, city],
            domains=["numerique"],
            odd=[8],
            alliance=[1, 4],
            partnership_types=["cooperation-economique"],
            scale=Scale.REGIONAL,
            start_year=2021,
        ),
        ExampleFactory(
            territory=territory("commune-62041"),
            partners=[associations[1], associations[2], city],
            domains=["sante"],
            odd=[3, 17],
            alliance=[4],
            scale=Scale.DEPARTEMENTAL,
            start_year=2016,
        ),
        ExampleFactory(
            territory=territory("commune-75056"),
            partners=[associations[0], city],
            domains=["sante", "numerique"],
            odd=[3],
            alliance=[2],
            partnership_types=["innovation-societale"],
            scale=Scale.NATIONAL,
            start_year=2021,
        ),
    ]
    hidden = [
        ExampleFactory(
            status=status,
            territory=place,
            partners=[*associations, company, city, school],
            domains=["numerique", "sante", "culture"],
            odd=[4, 13],
            alliance=[1, 2, 3, 4],
            partnership_types=["mecenat", "pratiques-responsables"],
            scale=Scale.INTERNATIONAL,
            start_year=2010,
        )
        for status, place in (
            (ExampleStatus.BROUILLON, lille),
            (ExampleStatus.ARCHIVE, territory("commune-75056")),
        )
    ]
    return published, hidden


def counted_links(html):
    """(list URL, figure shown) for every link of the fiche to the list of examples."""
    found = []
    fiche = html.split('<article class="fiche">', 1)[1].split("</article>", 1)[0]
    for match in LINK.finditer(fiche):
        count = COUNT.search(match.group(0))
        assert count, f"lien vers la liste sans son nombre : {match.group(0)}"
        found.append((unescape(match.group(1)), int(count.group(1))))
    return found


def list_total(client, url):
    """The total the list page shows, and the same list counted by SQL through its FilterSet."""
    html = client.get(url).content.decode()
    shown = int(re.sub(r"\D", "", TOTAL.search(html).group(1)))
    filterset = ExampleFilterSet(QueryDict(urlsplit(url).query))
    assert filterset.is_valid(), (url, filterset.errors)
    return shown, filterset.qs.count()


@pytest.mark.parametrize("path", FICHES)
def test_fiche_every_figure_equals_the_total_of_the_list_it_opens(client, sample, path):
    response = client.get(path)
    assert response.status_code == 200
    links = dict(counted_links(response.content.decode()))
    assert len(links) > 40  # figures, charts, years, places, matrix (and the map's table)
    for url, figure in links.items():
        assert list_total(client, url) == (figure, figure), url
    assert any(figure for figure in links.values())


def test_fiche_never_counts_drafts_or_archived_examples(client, sample):
    context = client.get("/reperes/").context
    assert context["example_count"] == 4
    assert context["actor_count"][0] == 5  # the university takes part only in hidden ones
    assert "Université" not in client.get("/reperes/").content.decode()
    domains = {bar.label: bar.count for bar in context["charts"][1]["bars"]}
    assert domains["Numérique"] == 3 and domains["Culture"] == 0
    scales = {bar.label: bar.count for bar in context["charts"][5]["bars"]}
    assert scales["Internationale"] == 0
    assert context["years"]["columns"][0].label == "2016"
    paris = client.get("/reperes/departement-75/").context
    assert paris["example_count"] == 1
    assert paris["actor_count"][0] == 2


def matrix_numbers(context):
    return [[cell["count"] for cell in row["cells"]] for row in context["matrix"]["rows"]]


def test_alliance_matrix_is_symmetric_and_its_diagonal_counts_peers(client, sample):
    context = client.get("/reperes/").context
    numbers = matrix_numbers(context)
    size = len(ActorType.choices)
    assert all(numbers[i][j] == numbers[j][i] for i in range(size) for j in range(size))
    types = [value for value, _label in ActorType.choices]
    at = {value: index for index, value in enumerate(types)}
    association, company, city = at["association"], at["entreprise"], at["collectivite"]
    assert numbers[association][association] == 2  # two associations in the same example
    assert numbers[company][company] == 0  # one company per example
    assert numbers[association][company] == 1
    assert numbers[association][city] == 2
    assert numbers[company][city] == 1
    assert numbers[at["academique"]] == [0] * size  # only in a draft
    # Within a région: Arras and Lille only.
    region = matrix_numbers(client.get("/reperes/region-32/").context)
    assert region[association][association] == 2
    assert region[association][city] == 1


def test_peer_filter_lists_examples_with_two_actors_of_a_type(client, sample):
    listed = client.get("/exemples/?entre_pairs=association")
    assert listed.context["paginator"].count == 2
    assert ExampleFilterSet(QueryDict("entre_pairs=collectivite")).qs.count() == 0
    wrong = client.get("/exemples/?entre_pairs=licorne")
    assert wrong.status_code == 200
    assert "licorne" in wrong.content.decode()
    assert wrong.context["form"].errors["entre_pairs"]


def test_map_shows_the_101_departements_of_the_reference_data_with_their_counts(client, sample):
    html = client.get("/reperes/").content.decode()
    areas = re.findall(
        r'<a class="map-area[^"]*" href="/reperes/(departement-[0-9ab]+)/" data-code="(\w+)" '
        r'data-count="(\d+)"',
        html,
    )
    departements = Territory.objects.filter(level=TerritoryLevel.DEPARTEMENT)
    assert len(areas) == 101
    assert {slug for slug, _code, _count in areas} == {t.slug for t in departements}
    for overseas in ("971", "972", "973", "974", "976"):
        assert f'data-code="{overseas}"' in html
    counts = {slug: int(count) for slug, _code, count in areas}
    expected = {"departement-59": 2, "departement-62": 1, "departement-75": 1}
    assert {slug: n for slug, n in counts.items() if n} == expected
    for slug, count in counts.items():
        assert Example.objects.published().in_territory(territory(slug)).count() == count


def test_region_fiche_highlights_its_departements(client, sample):
    html = client.get("/reperes/region-32/").content.decode()
    current = set(re.findall(r'class="map-area [^"]*map-current" href="/reperes/([\w-]+)/"', html))
    expected = Territory.objects.filter(parent__slug="region-32", level=TerritoryLevel.DEPARTEMENT)
    assert current == {t.slug for t in expected}
    assert len(current) == 5


def test_fiche_pages_and_refusals(client, sample):
    assert client.get("/reperes/pays-fr/").headers["Location"] == "/reperes/"
    for path in (
        "/reperes/commune-59350/",
        "/reperes/type-acteur/licorne/",
        "/reperes/domaine/inconnu/",
        "/reperes/region-99/",
        "/reperes/epci-200041960/",  # an EPCI without examples
    ):
        response = client.get(path)
        assert response.status_code == 404, path
    fiche = client.get("/reperes/type-acteur/entreprise/")
    assert fiche.context["example_count"] == 2
    assert "Les alliances en France" in client.get("/reperes/").content.decode()


def test_catalogue_pages_link_to_their_fiche(client, sample):
    pages = {
        "/": "/reperes/",
        "/territoires/region-32/": "/reperes/region-32/",
        "/territoires/departement-59/": "/reperes/departement-59/",
        "/territoires/pays-fr/": "/reperes/",
        "/domaines/numerique/": "/reperes/domaine/numerique/",
        "/acteurs/?type_acteur=entreprise": "/reperes/type-acteur/entreprise/",
        "/exemples/?territoire=departement-59&odd=4": "/reperes/departement-59/",
    }
    for page, fiche in pages.items():
        assert f'href="{fiche}"' in client.get(page).content.decode(), page
    assert "Fiche Repères de" not in client.get("/exemples/?odd=4").content.decode()


def test_home_page_shows_the_map(client, sample):
    html = client.get("/").content.decode()
    assert html.count('class="map-area') == 101
    assert 'data-code="59" data-count="2"' in html


def test_fiche_is_cached_until_the_catalogue_changes(client, sample, settings):
    from django.core.cache import cache

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    published, _hidden = sample
    first = client.get("/reperes/region-32/")
    assert first.context["example_count"] == 3
    again = client.get("/reperes/region-32/")
    assert again.context is None  # served from the cache
    # An example moved out of the région, an actor that changes type, a territory renamed:
    # each is seen at once.
    paris = published[0]
    paris.territory = territory("commune-75056")
    services.save_example(example=paris, user=None, is_new=False, expected_version=paris.version)
    moved = client.get("/reperes/region-32/").context
    assert moved["example_count"] == 2
    assert matrix_numbers(moved)[0][1] == 0
    city = published[1].partnerships.get(actor__name="Ville").actor
    city.actor_type = ActorType.ASSOCIATION
    with changes.writing() as change:
        change.actor_changed(city.pk, city.partnerships.values_list("example_id", flat=True))
        city.save()
    # The company's example with the city is now an association–company alliance.
    assert matrix_numbers(client.get("/reperes/region-32/").context)[0][1] == 1
    nord = territory("departement-59")
    with changes.writing() as change:  # as load_reference_data does
        before = search_index.reference_documents()
        nord.name = "Nord (renommé)"
        nord.save()
        change.rebuild(reindex=search_index.renamed_examples(before))
    assert "Nord (renommé)" in client.get("/reperes/region-32/").content.decode()
    cache.clear()


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # the version (the list's reference lists are this process's at that version, and
        # so is the facet index); the territory, its trail; below a département, its EPCI and
        # their counts. The actors are counted in memory (catalogue.example_actors).
        ("/reperes/", 2),
        ("/reperes/region-32/", 4),
        ("/reperes/departement-59/", 6),
        ("/reperes/type-acteur/association/", 2),
        ("/reperes/domaine/numerique/", 3),
    ],
)
def test_fiche_query_count(client, sample, django_assert_num_queries, path, queries):
    client.get(path)  # the facet index, built once per public version
    with django_assert_num_queries(queries):
        client.get(path)


def test_fiche_figures_come_from_the_facet_index(sample):
    france = figures.fiche(figures.Subject(kind="france", name="France"))
    odd = {bar.label.split(" :")[0]: bar.count for bar in france["charts"][0]["bars"]}
    assert odd["ODD 17"] == 2 and odd["ODD 3"] == 2 and odd["ODD 13"] == 0
    assert [bar.css_class for bar in france["charts"][0]["bars"]][:2] == [
        "objective-odd-1",
        "objective-odd-2",
    ]
