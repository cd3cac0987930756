"""The territory finder `/territoires/?q=`: tolerant matching, ranking, counts, every result
reachable page after page, and the search key that the loader and `save()` keep current."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from catalogue.territory_views import RESULTS_PER_PAGE
from territoires.models import Territory, searchable_names

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db


def found(client, query, **params):
    response = client.get("/territoires/", {"q": query, **params})
    assert response.status_code == 200
    return response


def slugs(response):
    return [territory.slug for territory, _link in response.context["results"]]


def all_slugs(client, query):
    """The slugs of every page of results, page after page (at most 10 pages)."""
    collected = []
    for page in range(1, 11):
        response = found(client, query, page=page)
        collected += slugs(response)
        if not response.context["page_obj"].has_next():
            break
    return collected, response.context["paginator"].count


def test_territory_finder_reads_st_as_saint_and_finds_both_saint_denis(client):
    ExampleFactory(territory=Territory.objects.get(slug="commune-93066"))
    ExampleFactory(territory=Territory.objects.get(slug="commune-97411"))
    ExampleFactory(territory=Territory.objects.get(slug="commune-97411"))
    response = found(client, "st denis")
    results = {t.slug: t for t, _link in response.context["results"]}
    assert {"commune-93066", "commune-97411"} <= set(results)
    assert results["commune-93066"].example_count == 1
    assert results["commune-97411"].example_count == 2
    content = response.content.decode()
    assert re.search(r"Saint-Denis \(93\)</a> — Commune, Seine-Saint-Denis · <span", content)
    assert re.search(
        r"Saint-Denis \(974\)</a> — Commune, La Réunion · <span[^>]*>2 exemples publiés", content
    )


@pytest.mark.parametrize(
    "query", ["saint denis", "Saint-Denis", "SAINT DENIS", "saint’denis", "st-denis", "St. Denis"]
)
def test_territory_finder_ignores_case_accents_hyphens_apostrophes(client, query):
    assert set(slugs(found(client, query))) == set(slugs(found(client, "saint-denis")))
    assert found(client, query).context["paginator"].count > 30


@pytest.mark.parametrize("query", ["Sainte Marie", "ste marie", "sainte-marie", "STE-MARIE"])
def test_territory_finder_finds_sainte_marie_however_written(client, query):
    results = set(slugs(found(client, query)))
    assert {"commune-97418", "commune-97228", "commune-35294"} <= results


def test_territory_finder_matches_words_anywhere_in_the_name(client):
    assert "commune-93066" in slugs(found(client, "denis"))  # not the first word
    assert "commune-93066" in slugs(found(client, "denis saint"))  # nor in order
    assert "commune-93039" in slugs(found(client, "ile saint denis"))  # L'Île-Saint-Denis
    assert "commune-93066" not in slugs(found(client, "enis"))  # words begin, not any letters


def test_territory_finder_shows_the_total_and_reaches_every_result_page_after_page(client):
    first = found(client, "saint denis", suite="odd=4")
    total = first.context["paginator"].count
    assert total > RESULTS_PER_PAGE  # about 60 territories, not cut at 30 silently
    assert f"{total} territoires pour « saint denis »" in first.content.decode()
    next_link = re.search(r'href="\?([^"]+)" rel="next"', first.content.decode()).group(1)
    assert parse_qs(next_link.replace("&amp;", "&")) == {
        "q": ["saint denis"],
        "suite": ["odd=4"],
        "page": ["2"],
    }
    second = found(client, "saint denis", suite="odd=4", page=2)
    assert "commune-97411" in slugs(first)  # the largest communes come first
    link = second.context["results"][0][1]
    assert parse_qs(urlsplit(link).query)["odd"] == ["4"]  # the list filters are kept
    every, count = all_slugs(client, "saint denis")
    assert len(every) == len(set(every)) == count == total


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("59", "departement-59"),
        ("2A", "departement-2a"),
        ("2a", "departement-2a"),
        ("974", "departement-974"),
        ("04", "departement-04"),  # the département, not the région of the same number
        ("59350", "commune-59350"),
        ("2A004", "commune-2a004"),
        ("200093201", "epci-200093201"),
    ],
)
def test_territory_finder_finds_a_territory_by_its_code(client, query, slug):
    assert slugs(found(client, query)) == [slug]


def test_territory_finder_keeps_a_departement_number_beside_words(client):
    assert slugs(found(client, "saint denis 974"))[0] == "commune-97411"
    assert "commune-93066" not in slugs(found(client, "saint denis 974"))
    assert slugs(found(client, "st denis 93")) == [
        "departement-93",  # Seine-Saint-Denis
        "commune-93066",  # Saint-Denis (93)
        "commune-93039",  # L'Île-Saint-Denis
    ]


def test_territory_finder_ranks_larger_territories_first_then_population(client):
    results = found(client, "Nord").context["results"]
    levels = [territory.level for territory, _link in results]
    assert levels[0] == "departement"  # Nord (59) before the EPCI and communes named so
    assert levels == sorted(levels, key=["region", "departement", "epci", "commune"].index)
    communes = [t.population for t, _link in results if t.level == "commune"]
    assert communes == sorted(communes, reverse=True)


def test_territory_finder_says_when_nothing_matches(client):
    response = found(client, "xyzzy")
    assert response.context["paginator"].count == 0
    assert "Aucun territoire ne correspond à « xyzzy »" in response.content.decode()


def test_territory_finder_page_runs_four_queries_whatever_the_results(
    client, django_assert_num_queries
):
    for slug in ("commune-93066", "commune-97411", "departement-93"):
        ExampleFactory(territory=Territory.objects.get(slug=slug))
    found(client, "saint denis")  # builds this process's facet index
    # The count, the page of territories with their département, the public version (the
    # département's count is the facet index's), the communes' example counts.
    with django_assert_num_queries(4):
        response = found(client, "saint denis")
    assert len(response.context["results"]) == RESULTS_PER_PAGE
    counts = {t.slug: t.example_count for t, _link in response.context["results"]}
    assert counts["departement-93"] == 2  # its own example and Saint-Denis (93)
    assert counts["commune-93066"] == 1


def test_territory_search_key_survives_reloading_the_territories():
    Territory.objects.filter(slug__in=["commune-93066", "commune-97411"]).update(search_key="")
    call_command("load_territories", stdout=io.StringIO())
    assert Territory.objects.get(slug="commune-93066").search_key == " saint denis "
    assert not Territory.objects.filter(search_key="").exists()


def test_territory_search_key_follows_a_renamed_territory():
    territory = Territory.objects.get(slug="commune-59350")
    territory.name = "Ste-Lille-d'Œuvre"
    territory.save()
    territory.refresh_from_db()
    assert territory.folded_name == "ste-lille-d'oeuvre"
    assert territory.search_key == searchable_names(territory.name)["search_key"]
    assert territory.search_key == " sainte lille d oeuvre "
