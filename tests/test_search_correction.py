"""Typo correction only where nothing matches, with accents and an undo link, and no dead end
when nothing is found (catalogue.search.plan_search, catalogue.no_results), on both
databases."""

import pytest
from django.http import QueryDict
from django.utils.html import strip_tags

from catalogue import no_results, search_words, selectors
from catalogue.choices import ExampleStatus
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import SearchWord

from .factories import ExampleFactory
from .test_filters import place

pytestmark = pytest.mark.django_db

ROUBAIX = "commune-59512"


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    """Rolled-back tests may leave the same number of words under the same last id: each
    test reads the vocabulary afresh."""
    for cache in (search_words.vocabulary, search_words.known_words, search_words.synonyms):
        cache.stored = None


def plan(text, **params):
    filterset = ExampleFilterSet({"q": text, **params})
    assert filterset.is_valid(), filterset.errors
    return filterset.search_plan


def found(text, **params):
    filterset = ExampleFilterSet({"q": text, **params})
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("title", flat=True))


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.fixture
def texts():
    roubaix = place(ROUBAIX)
    for number in range(3):
        ExampleFactory(title=f"Ville solidaire {number}", territory=roubaix)
    ExampleFactory(title="Solidarités de quartier", summary="Les solidarités locales.",
                   territory=roubaix)  # fmt: skip
    ExampleFactory(title="Location de vélos", summary="Des vélos électriques.", territory=roubaix)
    ExampleFactory(title="Jardins partagés", territory=roubaix)
    ExampleFactory(title="Ressourcerie du quartier", territory=roubaix)


def test_a_word_that_matches_is_never_corrected(texts):
    # « vélo » is the singular of « vélos », which the stemmer keeps apart: found, not corrected.
    assert found("vélo") == {"Location de vélos"}
    assert plan("vélo").corrections == []
    assert plan("velos").corrections == []


def test_a_territory_name_is_never_corrected(texts):
    # No example in Lille, and « ville » is one edit away: Lille stays Lille.
    assert plan("Lille").corrections == []
    assert found("Lille") == set()
    ExampleFactory(title="Une alliance lilloise", territory=place("commune-59350"))
    assert plan("Lille").corrections == []
    assert found("Lille") == {"Une alliance lilloise"}


def test_a_word_that_matches_nothing_is_corrected_with_its_accents(texts):
    assert plan("solidaritee").corrections == [("solidaritee", "solidarités")]
    assert found("solidaritee") == {"Solidarités de quartier"}
    assert plan("jardnis partagés").corrections == [("jardnis", "jardins")]


def test_a_draft_only_word_is_never_proposed():
    ExampleFactory(title="Projet confidentiel", status=ExampleStatus.BROUILLON)
    assert plan("confidentiell").corrections == []


def test_the_page_says_so_and_links_to_the_words_as_typed(client, texts):
    response = client.get("/exemples/", {"q": "solidaritee"})
    assert "Résultats pour « solidarités » (au lieu de « solidaritee »)" in text_of(response)
    assert 'href="?q=solidaritee&amp;exact=1"' in response.content.decode()
    typed = client.get("/exemples/", {"q": "solidaritee", "exact": "1"})
    assert typed.context["paginator"].count == 0
    assert "au lieu de" not in text_of(typed)
    # …and the list that finds nothing proposes the spelling that finds something.
    assert "Avec l'orthographe « solidarités » (1 exemple)" in text_of(typed).replace("&#x27;", "'")


def test_a_word_that_nothing_holds_is_left_out_beside_others(client, texts):
    assert found("banque jardins") == {"Jardins partagés"}
    assert plan("banque jardins").ignored == ["banque"]
    assert "Aucun exemple ne contient « banque »" in text_of(
        client.get("/exemples/", {"q": "banque jardins"})
    )
    # Asked for as typed, every word is required again.
    assert found("banque jardins", exact="1") == set()
    # Alone, a word that nothing holds is no search for everything.
    assert found("banque") == set() and plan("banque").ignored == []


def test_a_list_that_finds_nothing_proposes_what_finds_something(client, texts):
    response = client.get("/exemples/", {"q": "jardins ressourcerie"})
    assert response.context["paginator"].count == 0
    text = text_of(response)
    assert "« jardins » seul (1 exemple)" in text
    assert "« ressourcerie » seul (1 exemple)" in text
    assert "Proposez un exemple" in text
    html = response.content.decode()
    assert 'href="?q=jardins"' in html
    assert "Suivre et réutiliser cette liste" not in text
    assert "application/atom+xml" not in html
    # A list with results keeps its feed.
    assert "Suivre et réutiliser cette liste" in text_of(client.get("/exemples/", {"q": "jardins"}))


def test_a_list_that_finds_nothing_proposes_it_without_its_last_filter(client, texts):
    response = client.get("/exemples/?q=jardins&domaine=sport&territoire=commune-59512")
    assert response.context["paginator"].count == 0
    # Without the territory, no jardins in sport either: only what finds something is shown.
    suggestions = {s.text: (s.count, s.query) for s in response.context["suggestions"]}
    assert suggestions == {"Les mêmes mots, sans aucun filtre": (1, "?q=jardins")}
    single = client.get("/exemples/?q=jardins&domaine=sport")
    assert {s.text: s.count for s in single.context["suggestions"]} == {
        "Sans le filtre « Domaines »": 1
    }


def test_the_suggestions_cost_no_query_once_the_words_are_known(texts, django_assert_num_queries):
    params = QueryDict("q=jardins ressourcerie")
    filterset = ExampleFilterSet(params)
    assert filterset.is_valid()
    matches = selectors.example_matches(filterset)  # reads the words once
    with django_assert_num_queries(0):
        found = no_results.suggestions(filterset, matches, params)
    assert {(s.text, s.count) for s in found} == {
        ("« jardins » seul", 1),
        ("« ressourcerie » seul", 1),
    }


def test_the_api_returns_the_corrections(client, texts):
    body = client.get("/api/v1/exemples/", {"q": "solidaritee"}).json()
    assert body["corrections"] == [{"typed": "solidaritee", "used": "solidarités"}]
    assert body["count"] == 1
    typed = client.get("/api/v1/exemples/", {"q": "solidaritee", "exact": "1"}).json()
    assert typed["corrections"] == [] and typed["count"] == 0
    left_out = client.get("/api/v1/exemples/", {"q": "banque jardins"}).json()
    assert left_out["ignored"] == ["banque"] and left_out["count"] == 1


def test_the_index_keeps_each_word_as_the_documents_accent_it():
    ExampleFactory(title="Entraide des aines", summary="Les aînés du quartier et les aînés.")
    assert SearchWord.objects.get(word="aines").display == "aînés"
    ExampleFactory(title="Solidarites sans accent")
    assert SearchWord.objects.get(word="solidarites").display == ""
    ExampleFactory(title="Solidarités de quartier")
    assert SearchWord.objects.get(word="solidarites").display == "solidarités"
