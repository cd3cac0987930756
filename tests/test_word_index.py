"""Searched words answered from memory (catalogue/word_index.py): the same examples in the
same order as the search's SQL, on both databases, and still so after every kind of write."""

import io
import pickle

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue import facets, selectors, services, word_index
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example
from catalogue.search import parse
from tests.factories import ExampleFactory
from tests.test_filters import place

pytestmark = pytest.mark.django_db

WORDS = ["jardin", "ecole", "solidaire", "sante", "velo"]


@pytest.fixture
def corpus():
    """Examples holding the words in every part of the document, over a few start years, so
    that scores tie and years and ids break the ties."""
    texts = [
        ("Jardin de l'école", "Un potager solidaire.", "Des vélos.", 2019),
        ("École et santé", "Un jardin partagé.", "", 2021),
        ("Santé solidaire", "", "Un jardin, une école.", 2019),
        ("Vélo-école", "Santé par le vélo.", "", 2021),
        ("Cantine solidaire", "Solidaire et locale.", "Au jardin.", 2020),
        ("Atelier", "Réparer ensemble.", "École de la santé.", 2020),
        ("Jardin solidaire", "Jardin et école.", "", 2019),
        ("Maison de santé", "", "", 2022),
    ]
    for number, (title, summary, description, year) in enumerate(texts):
        commune = "commune-59350" if number % 2 else "commune-75056"
        ExampleFactory(title=title, summary=summary, description=description, start_year=year,
                       territory=place(commune))  # fmt: skip
    ExampleFactory(title="Jardin brouillon", status="brouillon")


def by_memory(query: str) -> list[int]:
    filterset = ExampleFilterSet(QueryDict(query))
    assert filterset.is_valid()
    return list(selectors.ordered_results(filterset)[:100])


def by_sql(query: str) -> list[int]:
    return list(ExampleFilterSet(QueryDict(query)).qs.values_list("pk", flat=True))


QUERIES = [
    "q=jardin",
    "q=solidaire",
    "q=jardin solidaire",
    "q=jardin OR velo",
    "q=ecole OR sante jardin",
    "q=jardin -solidaire",
    "q=sante -velo -jardin",
    "q=jradin",  # corrected: « jardin »
    "q=jardin&territoire=commune-59350",
    "q=solidaire&tri=ancien",
    "q=ecole&tri=titre",
]


@pytest.mark.parametrize("query", QUERIES)
def test_plain_words_give_the_sql_search_order(corpus, query):
    plan = ExampleFilterSet(QueryDict(query)).search_plan
    assert word_index.answerable(plan)
    assert by_memory(query) == by_sql(query)
    assert by_memory(query)


@pytest.mark.parametrize("text", ['"jardin partage"', "jardin OR -ecole", "-jardin", ""])
def test_phrases_and_negations_inside_or_stay_with_the_database(text):
    assert not word_index.answerable(parse(text))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "-", "OR "]), st.sampled_from(WORDS)), min_size=1, max_size=4
    )
)
def test_any_query_of_plain_words_gives_the_sql_search_order(corpus, parts):
    text = " ".join(f"{sign}{word}" for sign, word in parts)
    query = QueryDict(mutable=True)
    query["q"] = text
    assert by_memory(query.urlencode()) == by_sql(query.urlencode()), text


def stored_parts(stem):
    """The word as a fresh read finds it, beside what the process keeps."""
    return word_index._read(stem), word_index.parts_of(facets.current_index(), stem)


def test_the_words_follow_saves_publications_deletions_and_imports(corpus):
    for word in WORDS:
        word_index.parts_of(facets.current_index(), word)  # kept from now on
    stems = {word: parse(word).clauses[0].terms[0].stems[0] for word in WORDS}

    example = Example.objects.get(title="Atelier")
    example.title = "Atelier vélo et jardin"
    services.save_example(example=example, user=None, is_new=False,
                          expected_version=example.version)  # fmt: skip
    draft = Example.objects.get(title="Jardin brouillon")
    services.change_examples(examples=[draft], user=None, status="publie", message="Publié")
    services.delete_examples(examples=Example.objects.filter(title="Maison de santé"), user=None)
    gone = Example.objects.get(title="Cantine solidaire")
    services.change_examples(examples=[gone], user=None, status="archive", message="Archivé")

    index = facets.current_index()
    assert index.words, "the words were carried through the change log, not dropped"
    for word, stem in stems.items():
        fresh, kept = stored_parts(stem)
        assert kept == fresh, word
    assert Example.objects.get(title="Atelier vélo et jardin").pk in index.words[stems["jardin"]][0]
    for query in QUERIES:
        assert by_memory(query) == by_sql(query), query


def test_a_new_worker_starts_with_the_words_of_the_snapshot(corpus, django_assert_num_queries):
    index = facets.current_index()
    word_index.parts_of(index, "jardin")
    loaded = pickle.loads(pickle.dumps(index))
    with django_assert_num_queries(0):
        assert word_index.parts_of(loaded, "jardin") == word_index.parts_of(index, "jardin")


def test_the_deployment_build_reads_the_searched_words_again(corpus, django_assert_num_queries):
    """`build_facet_index` replaces the snapshot with a new build and the words the old one
    held, read again at the new version."""
    word_index.parts_of(facets.current_index(), "jardin")
    cache.set(facets.SNAPSHOT_KEY, facets.current_index())
    example = Example.objects.get(title="Atelier")
    example.title = "Atelier jardin"
    services.save_example(example=example, user=None, is_new=False,
                          expected_version=example.version)  # fmt: skip
    call_command("build_facet_index", stdout=io.StringIO())
    built = cache.get(facets.SNAPSHOT_KEY)
    assert list(built.words) == ["jardin"]
    with django_assert_num_queries(0):
        assert example.pk in word_index.parts_of(built, "jardin")[0]  # in its title now
    assert word_index.parts_of(built, "jardin") == word_index._read("jardin")


def test_a_word_once_read_costs_no_query(corpus, django_assert_num_queries):
    index = facets.current_index()
    plan = parse("solidaire -jardin")
    word_index.ranked(index, plan)
    with django_assert_num_queries(0):
        matching, ranking = word_index.ranked(index, plan)
    assert len(matching) == sum(len(ids) for _score, ids in ranking)


def test_ranked_ids_read_any_slice_as_the_whole_order(corpus):
    filterset = ExampleFilterSet(QueryDict("q=jardin OR ecole OR sante"))
    assert filterset.is_valid()
    ids = selectors.ordered_results(filterset)
    whole = ids[0 : len(ids)]
    assert len(whole) == len(ids) == len(set(whole))
    assert [ids[i] for i in range(len(ids))] == whole
    assert ids[-1] == whole[-1]
    for start in range(len(whole)):
        assert ids[start : start + 2] == whole[start : start + 2]
    with pytest.raises(IndexError):
        ids[len(whole)]


def test_the_least_recently_searched_word_is_dropped_first(corpus, monkeypatch):
    monkeypatch.setattr(word_index, "MAX_WORDS", 2)
    index = facets.current_index()
    for stem in ("jardin", "ecol", "jardin", "sant"):
        word_index.parts_of(index, stem)
    assert list(index.words) == ["jardin", "sant"]
