"""The synonyms curators keep (catalogue.SynonymGroup): a word also finds its synonyms, below
the examples that hold the word itself, the page says so, and a change applies to the next
search without a restart and without a new public version; on both databases."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.html import strip_tags

from catalogue import search_words, selectors
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import SynonymGroup
from core import public_version

from .factories import ExampleFactory
from .test_filters import place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    """Rolled-back tests may leave the same counts under the same last ids."""
    for cache in (search_words.vocabulary, search_words.known_words, search_words.synonyms):
        cache.stored = None


def search_for(query):
    filterset = ExampleFilterSet(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return filterset


def titles(query):
    return list(search_for(query).qs.values_list("title", flat=True))


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.fixture
def schools():
    hem = place("commune-59299")
    ExampleFactory(title="Soutien scolaire partagé à Hem", territory=hem, start_year=2024)
    ExampleFactory(title="Vélo-école pour adultes", start_year=2019)
    ExampleFactory(title="Cours du soir", summary="Des écoliers et leurs parents.", start_year=2022)
    ExampleFactory(title="Transition écologique", start_year=2023)


def test_the_seeded_groups_hold_the_school_words():
    assert "école, scolaire, écolier" in set(SynonymGroup.objects.values_list("words", flat=True))


def test_a_word_finds_its_synonyms_below_itself(schools):
    # The typed word in a title first; a synonym in a title scores as a summary hit.
    assert titles("q=école") == [
        "Vélo-école pour adultes",
        "Soutien scolaire partagé à Hem",
        "Cours du soir",
    ]
    assert search_for("q=école").search_plan.synonyms == [("école", ["scolaire", "écolier"])]


def test_memory_and_sql_give_the_same_order_with_synonyms(schools):
    for query in ("q=école", "q=scolaire", "q=ecole OR velo", "q=école -hem", "q=école&tri=titre"):
        filterset = search_for(query)
        in_memory = list(selectors.ordered_results(filterset)[:100])
        assert in_memory == list(search_for(query).qs.values_list("pk", flat=True)), query


def test_the_page_says_the_search_was_widened_and_links_to_the_word_alone(client, schools):
    response = client.get("/exemples/", {"q": "école"})
    text = text_of(response)
    assert "Résultats élargis aux synonymes : école → scolaire, écolier." in text
    assert "<mark>scolaire</mark>" in response.content.decode()
    assert 'href="?q=%C3%A9cole&amp;exact=1"' in response.content.decode()
    alone = client.get("/exemples/", {"q": "école", "exact": "1"})
    assert alone.context["paginator"].count == 1
    assert "élargis" not in text_of(alone)


def test_a_negated_word_or_a_phrase_keeps_to_itself(schools):
    assert titles("q=adultes -école") == []
    assert "Soutien scolaire partagé à Hem" in titles("q=hem -école")
    assert titles('q="vélo école"') == ["Vélo-école pour adultes"]


def test_a_curators_change_applies_at_once_and_leaves_the_public_version(schools):
    before = public_version.state()
    assert titles("q=soir") == ["Cours du soir"]
    group = SynonymGroup.objects.create(words="soir, adulte")
    assert titles("q=soir") == ["Cours du soir", "Vélo-école pour adultes"]
    group.words = "soir, transition"
    group.save()
    assert titles("q=soir") == ["Cours du soir", "Transition écologique"]
    group.delete()
    assert titles("q=soir") == ["Cours du soir"]
    assert public_version.state() == before


def test_a_group_holds_single_words():
    with pytest.raises(ValidationError):
        SynonymGroup(words="école").full_clean()
    with pytest.raises(ValidationError):
        SynonymGroup(words="école, aide aux devoirs").full_clean()
    SynonymGroup(words="école,\nscolaire").full_clean()


def test_curators_keep_the_synonyms_in_the_admin(client, curator):
    assert client.get("/admin/catalogue/synonymgroup/").status_code == 200
    response = client.post("/admin/catalogue/synonymgroup/add/", {"words": "gare, ferroviaire"})
    assert response.status_code == 302
    assert SynonymGroup.objects.filter(words="gare, ferroviaire").exists()
