"""The query language of search — `-mot`, `a OR b`, "phrases", `-"phrase"`, « ODD 4 » —
judged by the examples found, on SQLite and PostgreSQL (run the file on both)."""

import pytest

from catalogue.choices import ExampleStatus
from catalogue.filtersets import ExampleFilterSet
from catalogue.search import highlight

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db

TITLES = {
    "ecole": "École ouverte",
    "ecole_sport": "École du sport",
    "sport": "Sport pour tous",
    "jardins": "Jardins partagés",
    "outils": "Outils partagés au jardin",
    "climat": "Climat et territoires",
}


def found(text):
    return set(ExampleFilterSet({"q": text}).qs.values_list("title", flat=True))


def titles(*keys):
    return {TITLES[key] for key in keys}


@pytest.fixture
def catalogue():
    odd = {"ecole": [4], "ecole_sport": [4, 3], "climat": [13], "jardins": [13]}
    for key, title in TITLES.items():
        ExampleFactory(
            title=title, summary="Une alliance locale.", description="", odd=odd.get(key, [17])
        )
    ExampleFactory(title="Brouillon sur le sport", status=ExampleStatus.BROUILLON, odd=[17])
    ExampleFactory(title="Archive sur l'école", status=ExampleStatus.ARCHIVE, odd=[4])


def test_search_minus_odd_4_excludes_the_examples_of_odd_4(catalogue):
    assert found("ODD 4") == titles("ecole", "ecole_sport")
    assert found("-ODD 4") == titles("sport", "jardins", "outils", "climat")
    assert found("partagés -ODD 13") == titles("outils")
    assert found("ODD 4 OR ODD 13") == titles("ecole", "ecole_sport", "jardins", "climat")


def test_search_a_or_minus_b_keeps_a_and_everything_without_b(catalogue):
    assert found("ecole OR -sport") == titles("ecole", "ecole_sport", "jardins", "outils", "climat")
    assert found("-sport OR ecole") == found("ecole OR -sport")
    assert found("jardins OR ressourcerie") == titles("jardins", "outils")
    assert found("sport ecole OR climat") == titles("ecole_sport")
    assert found("territoires OR sport -ecole") == titles("sport", "climat")


def test_search_quoted_phrase_needs_its_words_in_order(catalogue):
    assert found("jardin partagé") == titles("jardins", "outils")
    assert found('"jardin partagé"') == titles("jardins")
    assert found('"partagés jardins"') == titles("outils")  # « au » is a stop word
    assert found('"jardins outils"') == set()
    assert found('"jardins partagés" OR sport') == titles("jardins", "ecole_sport", "sport")


def test_search_minus_quoted_phrase_excludes_that_phrase_only(catalogue):
    everything = set(TITLES.values())
    assert found('-"jardin partagé"') == everything - titles("jardins")
    assert found('partagés -"jardin partagé"') == titles("outils")
    assert found('ecole OR -"jardin partagé"') == everything - titles("jardins")


def test_search_of_negations_only_lists_every_published_example_but_those(catalogue):
    everything = set(TITLES.values())
    assert found("-sport") == everything - titles("sport", "ecole_sport")
    assert found("-sport -ecole -jardin") == titles("climat")
    assert found("-sport OR -ecole") == everything - titles("ecole_sport")
    assert found("-de") == everything  # a stop word alone is no word: nothing excluded


def test_search_of_negations_only_is_a_page_newest_first(client, catalogue):
    response = client.get("/exemples/", {"q": "-sport -ecole"})
    assert response.status_code == 200
    listed = [example.title for example in response.context["page_obj"]]
    assert set(listed) == titles("jardins", "outils", "climat")
    assert listed == list(
        ExampleFilterSet({"q": "-sport -ecole", "tri": "recent"}).qs.values_list("title", flat=True)
    )
    api = client.get("/api/v1/exemples/", {"q": "-sport -ecole"})
    assert api.status_code == 200
    assert {e["titre"] for e in api.json()["results"]} == titles("jardins", "outils", "climat")


def test_search_ranks_a_or_minus_b_by_its_positive_word(catalogue):
    ranked = list(ExampleFilterSet({"q": "ecole OR -sport"}).qs.values_list("title", flat=True))
    assert set(ranked[:2]) == titles("ecole", "ecole_sport")


def test_highlight_marks_no_negated_word():
    marked = highlight("École du sport et jardins partagés", 'ecole -sport -"jardins partagés"')
    assert marked == "<mark>École</mark> du sport et jardins partagés"
