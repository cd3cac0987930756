"""Search: the one module that knows how examples are found by their words.

One author for the document and the query, on both databases: Python folds every word
(`text.fold`) and stems it with the Snowball French stemmer, so that "école", "écoles" and
"ecole" meet as `ecol` while "écologique" stays `ecolog`. The stemmed words are stored
weighted — title (A) > summary (B) > partners, places, domains, partnership types,
objectives and actor types (C) > description (D) —
- on PostgreSQL as a GIN-indexed `tsvector` in the `simple` configuration (the words are
  already stemmed), matched with `@@`;
- on SQLite in an FTS5 table (`catalogue_example_fts`, one column per weight), matched
  with MATCH.
Ranking is the same on both: each word scores by the best part it is found in.
Every query word must match (`-mot` excludes a word, `a OR b` accepts either, `"a b"` is a
phrase, `-"a b"` excludes it; a query of negations only lists every example but those).
A word that matches no published example — or far fewer than a close spelling would — is
corrected to the closest word of the vocabulary (`SearchWord`) within one or two edits, and
the page says so.
"""

import functools
import operator
import re
import threading
from dataclasses import dataclass, field

import Stemmer
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from french.text import fold
from territoires.models import Territory

INDEX_BATCH_SIZE = 2000
FTS_TABLE = "catalogue_example_fts"
# The four parts of the document, best first, with what a word found there scores: whole
# numbers, so that PostgreSQL (numeric), SQLite (integers) and the memory of
# catalogue.word_index add them up exactly alike and tie the same examples.
WEIGHTS = {"A": 10, "B": 4, "C": 2, "D": 1}
# What an example located in a place the query names scores on top of its words
# (catalogue.understanding): more than any sum of word scores, so that it ranks first.
PLACE_SCORE = 1000
# A word is corrected when it matches at most this many published examples and a close
# spelling matches many times more.
RARE_MATCHES = 2
CORRECTION_RATIO = 20
# French words too common to mean anything in a search.
_STOP_WORDS = (
    "a ai au aux avec c ce ces cet cette d dans de des du elle en et est il ils je l la "
    "le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ou par pas "
    "pour qu que qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[0-9a-z]+")
_stemmers = threading.local()


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball French stem of a folded word (PyStemmer objects are not thread-safe)."""
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = Stemmer.Stemmer("french")
    return stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The folded words of a text that carry meaning, in order."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def terms(text: str) -> list[str]:
    """What is indexed for a text: its meaningful words, stemmed."""
    return [stem(w) for w in words(text)]


# --- The query ---------------------------------------------------------------------------------


@dataclass
class Term:
    """A word, or a phrase whose words must follow each other; `negated`: it must be absent."""

    typed: list[str]
    stems: list[str]
    negated: bool = False

    def tsquery(self, weight: str = "") -> str:
        label = f":{weight}" if weight else ""
        return " <-> ".join(f"'{s}'{label}" for s in self.stems)

    def fts(self) -> str:
        return '"' + " ".join(self.stems) + '"'


@dataclass
class Clause:
    """Terms joined by OR: an example must contain one of the positive terms or lack one of
    the negated ones."""

    terms: list[Term]

    @property
    def positive(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def negative(self) -> list[Term]:
        return [t for t in self.terms if t.negated]


@dataclass
class SearchPlan:
    """A parsed query and the corrections applied to it."""

    clauses: list[Clause] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    # The territories the query names (catalogue.understanding): their examples rank first.
    places: list = field(default_factory=list)

    def __bool__(self):
        # A query of negations only is a search too: every example but those.
        return bool(self.clauses)

    @property
    def highlighted_stems(self) -> set[str]:
        return {s for c in self.clauses for t in c.positive for s in t.stems}

    def postgres_query(self) -> str:
        def term(t):
            return f"!({t.tsquery()})" if t.negated else f"({t.tsquery()})"

        return " & ".join("(" + " | ".join(term(t) for t in c.terms) + ")" for c in self.clauses)

    def sqlite_condition(self) -> Q:
        """FTS5 has no unary NOT: positive clauses and plain `-mot`s make one MATCH
        (`(a) AND (b) NOT (c OR d)`); a query of negations only, or `a OR -b`, combines
        MATCH subqueries in SQL."""
        positive = [c for c in self.clauses if not c.negative]
        excluded = [c.terms[0] for c in self.clauses if len(c.terms) == 1 and c.terms[0].negated]
        mixed = [c for c in self.clauses if c.negative and len(c.terms) > 1]
        conditions = []
        if positive:
            query = " AND ".join(_fts_any(c.terms) for c in positive)
            if excluded:
                query = f"({query}) NOT {_fts_any(excluded)}"
            conditions.append(Q(pk__in=_fts_match(query)))
        elif excluded:
            conditions.append(~Q(pk__in=_fts_match(_fts_any(excluded))))
        for clause in mixed:
            # a OR -b OR -c: contains a, or lacks b or c (lacks both b and c together).
            either = []
            if clause.positive:
                either.append(Q(pk__in=_fts_match(_fts_any(clause.positive))))
            together = " AND ".join(t.fts() for t in clause.negative)
            either.append(~Q(pk__in=_fts_match(together)))
            conditions.append(functools.reduce(operator.or_, either))
        return functools.reduce(operator.and_, conditions, Q())


def _fts_any(terms: list[Term]) -> str:
    return "(" + " OR ".join(t.fts() for t in terms) + ")"


def _fts_match(query: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (query,))


# A "phrase" (its closing quote optional), or any other run of non-spaces; "-" before either
# negates it.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text: str) -> SearchPlan:
    """`text` as clauses: every word must match, `-mot` must not, `a OR b` either,
    `"mot mot"` the words in this order, `-"mot mot"` not in this order."""
    plan = SearchPlan()
    pending_or = False
    last = None  # the last term added, for "ODD 4"
    for match in _TOKEN.finditer(text or ""):
        sign, quoted, bare = match.groups()
        if bare == "OR":
            pending_or = bool(plan.clauses)
            continue
        if bare is None:
            negated, found = bool(sign), words(quoted)
        else:
            negated = bare.startswith("-") and len(bare) > 1
            found = words(bare[1:] if negated else bare)
        if not found:
            continue
        # "ODD 4" is also one word of the document: odd4 ("-ODD 4" excludes it).
        odd = last is not None and last.typed == ["odd"] and len(last.stems) == 1
        if bare is not None and not negated and not pending_or and odd and found[0].isdigit():
            last.typed.append(found[0])
            last.stems = [f"odd{found[0]}"]
            last, found = None, found[1:]
            if not found:
                continue
        if bare is not None and not negated:
            # Words joined by a hyphen or an apostrophe are each required.
            new = [Term([w], [stem(w)]) for w in found]
        else:
            # A quoted phrase, or one negated token of several words ("-tiers-lieu").
            new = [Term(found, [stem(w) for w in found], negated)]
        for position, term in enumerate(new):
            if pending_or and position == 0:
                plan.clauses[-1].terms.append(term)
            else:
                plan.clauses.append(Clause([term]))
        last = new[-1]
        pending_or = False
    return plan


def plan_search(text: str, published, *, protected=frozenset()) -> SearchPlan:
    """Parse `text` and correct the words that `published` examples do not contain
    (never those of `protected`: the words of a phrase the query understanding recognised)."""
    plan = parse(text)
    for clause in plan.clauses:
        if len(clause.terms) != 1:
            continue
        term = clause.terms[0]
        if term.negated or len(term.typed) != 1 or len(term.stems) != 1:
            continue
        word = term.typed[0]
        if word in protected:
            continue
        if len(word) < 4 or not word.isalpha():
            continue
        found = _count(published, [term.stems[0]], limit=RARE_MATCHES + 1)
        if found > RARE_MATCHES:
            continue
        correction = _closest_word(word, published, at_least=found * CORRECTION_RATIO or 1)
        if correction is None:
            continue
        corrected = Term([correction], [stem(correction)])
        # A word that some examples contain keeps them: it gains its correction.
        clause.terms = [term, corrected] if found else [corrected]
        plan.corrections.append((word, correction))
    return plan


def _count(published, stems, *, limit) -> int:
    plan = SearchPlan([Clause([Term([s], [s]) for s in stems])])
    return published.filter(match_condition(plan)).order_by().values("pk")[:limit].count()


def _closest_word(word: str, published, *, at_least: int) -> str | None:
    """The vocabulary word closest to `word` (one edit, two from eight letters) that enough
    published examples contain; the most frequent of equally close ones."""
    max_edits = 1 if len(word) < 8 else 2
    candidates = process.extract(
        word, vocabulary(), scorer=OSA.distance, score_cutoff=max_edits, limit=8
    )
    best = None
    for candidate, edits, _ in candidates:
        if stem(candidate) == stem(word):
            continue
        matches = _count(published, [stem(candidate)], limit=10_000)
        if matches < at_least:
            continue
        key = (edits, -matches, candidate)
        if best is None or key < best[0]:
            best = (key, candidate)
    return best[1] if best else None


_vocabulary = {"key": None, "words": []}
_vocabulary_lock = threading.Lock()


def vocabulary() -> list[str]:
    """Every word of the indexed documents, read again when words were added."""
    from .models import SearchWord

    key = tuple(SearchWord.objects.order_by().aggregate(n=Count("pk"), last=Max("pk")).values())
    with _vocabulary_lock:
        if _vocabulary["key"] != key:
            _vocabulary["words"] = list(SearchWord.objects.values_list("word", flat=True))
            _vocabulary["key"] = key
        return _vocabulary["words"]


# --- Finding and ranking -------------------------------------------------------------------


def match_condition(plan: SearchPlan) -> Q:
    """The condition on examples that a plan applies (empty when it has no word)."""
    if not plan:
        return Q()
    if uses_postgres():
        query = SearchQuery(plan.postgres_query(), search_type="raw", config="simple")
        return Q(search_vector=query)
    return plan.sqlite_condition()


def relevance(plan: SearchPlan):
    """How well an example matches: each query word scores by the best part of the document
    it is found in (title 10, summary 4, the rest 2, description 1); the same on both
    databases. Negated terms score nothing. An example located in a place the query names
    (`plan.places`) scores PLACE_SCORE more: it ranks first."""
    total = Value(0)
    if plan.places:
        below = functools.reduce(operator.or_, (place.below() for place in plan.places))
        located = Q(territory__in=Territory.objects.filter(below))
        total += Case(When(located, then=Value(PLACE_SCORE)), default=Value(0))
    for clause in plan.clauses:
        positive = clause.positive
        if not positive:
            continue
        # A clause such as `a OR -b` may match without `a`: it then scores 0.
        found_for_sure = len(positive) == len(clause.terms)
        scores = [
            When(_match_in_part(positive, weight), then=Value(score))
            for weight, score in WEIGHTS.items()
            if weight != "D" or not found_for_sure
        ]
        default = WEIGHTS["D"] if found_for_sure else 0
        total += Case(*scores, default=Value(default), output_field=IntegerField())
    return total


def order_by_relevance(queryset, plan: SearchPlan):
    """Best matches first, then newest (newest only for a query of negations)."""
    if not plan:
        return queryset
    ranked = queryset.annotate(relevance=relevance(plan))
    return ranked.order_by("-relevance", "-start_year", "-pk")


def _match_in_part(terms: list[Term], weight: str) -> Q:
    if uses_postgres():
        query = " | ".join(f"({t.tsquery(weight)})" for t in terms)
        return Q(search_vector=SearchQuery(query, search_type="raw", config="simple"))
    return Q(pk__in=_fts_match(f"{weight.lower()} : {_fts_any(terms)}"))


def highlight(text: str, query: str) -> str:
    """`text` escaped, with the words that match the query wrapped in <mark>."""
    text = text or ""
    stems = parse(query or "").highlighted_stems
    if not stems:
        return escape(text)
    pieces, last = [], 0
    for match in re.finditer(r"\w+", text):
        folded = fold(match.group())
        if folded not in STOP_WORDS and stem(folded) in stems:
            pieces.append(escape(text[last : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above
