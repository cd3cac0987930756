"""What a list that finds nothing proposes instead, each with how many examples it finds:
the same search without its last filter (and without any), each word alone, the nearest
spelling of a word that nothing holds. The templates add a link to propose an example.

Counted from the matches already found (`selectors.ExampleMatches`) and the words in memory
(catalogue.word_index): no query for a word already searched, one for a word read for the
first time, a bounded COUNT for a phrase; never one per example.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _
from pyroaring import BitMap

from . import search, word_index
from .filter_labels import active_filter_labels
from .querystrings import query_with

# Words and phrases counted alone: a long query proposes its first few.
MAX_WORDS = 5


@dataclass(frozen=True)
class Suggestion:
    """A search that finds something: what it is in words, its count, its query string."""

    text: str
    count: int
    query: str


def suggestions(filterset, matches, params: QueryDict) -> list[Suggestion]:
    """Searches near the one asked for that find examples (none when it finds some)."""
    if matches.ids or not filterset.is_valid():
        return []
    found = []
    named = [name for name, _value, _label in active_filter_labels(filterset, params)]
    others = list(dict.fromkeys(name for name in named if name != "q"))
    if others:
        last = others[-1]  # the last one given in the address
        label = filterset.form.fields[last].label
        found.append(
            Suggestion(
                _("Sans le filtre « %(filter)s »") % {"filter": label},
                len(matches.without(last)),
                query_with(params, **{last: None}),
            )
        )
        if len(others) > 1 and "q" in matches.kept:
            found.append(
                Suggestion(
                    _("Les mêmes mots, sans aucun filtre"),
                    len(matches.kept["q"]),
                    query_with(QueryDict(mutable=True), q=params.get("q")),
                )
            )
    plan = filterset.search_plan
    if "q" in matches.kept:
        elsewhere = matches.without("q")
        positive = [clause for clause in plan.clauses if clause.positive][:MAX_WORDS]
        alone = [] if len(positive) < 2 else positive
        for clause in alone:
            text = " ".join(clause.positive[0].typed)
            if len(clause.positive[0].stems) > 1:
                text = f'"{text}"'
            count = len(_examples_of(matches, filterset, clause) & elsewhere)
            found.append(
                Suggestion(
                    _("« %(words)s » seul") % {"words": text}, count, query_with(params, q=text)
                )
            )
        found += _nearest_spellings(filterset, matches, params, positive, elsewhere)
    return [s for s in found if s.count]


def _examples_of(matches, filterset, clause):
    """The published examples holding one clause of the search."""
    alone = search.SearchPlan([clause])
    if word_index.answerable(alone):
        return word_index.ranked(matches.index, alone)[0]
    kept = filterset.queryset.filter(search.match_condition(alone)).order_by()
    return BitMap(kept.values_list("pk", flat=True))


def _nearest_spellings(filterset, matches, params, clauses, elsewhere):
    for clause in clauses:
        term = clause.terms[0]
        if len(term.typed) != 1 or len(term.stems) != 1:
            continue
        if _examples_of(matches, filterset, clause):
            continue
        nearest = search.nearest_spelling(term.typed[0], filterset.queryset)
        if nearest is None:
            continue
        folded, shown = nearest
        spelled = search.word_clause(folded, exact=True)
        ids = BitMap(elsewhere)
        for other in clauses:
            ids &= _examples_of(matches, filterset, spelled if other is clause else other)
        count = len(ids)
        text = " ".join(shown if c is clause else " ".join(c.terms[0].typed) for c in clauses)
        yield Suggestion(
            _("Avec l'orthographe « %(word)s »") % {"word": shown},
            count,
            query_with(params, q=text, exact="1"),
        )
        return  # one word respelled is enough to find something
