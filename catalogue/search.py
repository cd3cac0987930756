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
A word also finds its plural or singular when the stemmer keeps them apart (vélo, vélos)
and the synonyms curators keep (`SynonymGroup`: « école » also finds « scolaire », ranked
below the typed word). Only a word that matches no published example, and is no word of
the vocabulary (indexed words, territory names, reference labels, synonyms), is corrected
to the closest indexed word within one or two edits, with its accents; a word that still
matches nothing is left out when other words remain. The page says so, and `exact` undoes
all three.
"""

import functools
import operator
import re
import threading
from dataclasses import dataclass, field

import Stemmer
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from french.text import fold

INDEX_BATCH_SIZE = 2000
FTS_TABLE = "catalogue_example_fts"
# The four parts of the document, best first, with what a word found there scores: whole
# numbers, so that PostgreSQL (numeric), SQLite (integers) and the memory of
# catalogue.word_index add them up exactly alike and tie the same examples.
WEIGHTS = {"A": 10, "B": 4, "C": 2, "D": 1}
# A typed word shorter than this is never corrected (too many words are one edit away).
MIN_CORRECTED_LENGTH = 4
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
    # A synonym of the word typed: found in a part, it scores as the typed word found in the
    # next part down (catalogue.word_index ranks it so too).
    wider: bool = False

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
    """A parsed query and what was changed in it: corrections (typed, used, with its
    accents), synonyms added (typed, [synonyms]) and words left out because nothing holds
    them."""

    clauses: list[Clause] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    synonyms: list[tuple[str, list[str]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

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


def plan_search(text: str, published, *, exact: bool = False) -> SearchPlan:
    """Parse `text`, widen each plain word to its other number and its synonyms, and (unless
    `exact`) correct, or else leave out, a word that no `published` example holds."""
    from .search_words import synonyms

    plan = parse(text)
    synonym_stems = synonyms() if not exact and _has_plain_words(plan) else {}
    dead = []
    for clause in plan.clauses:
        single = len(clause.terms) == 1
        for term in list(clause.terms):
            if term.negated or len(term.stems) != 1 or len(term.typed) != 1:
                continue
            word = term.typed[0]
            wider = _widened(word, synonym_stems)
            clause.terms += wider
            if not single or exact:
                _note_synonyms(plan, word, synonym_stems)
                continue
            if _count(published, [t.stems[0] for t in clause.terms], limit=1):
                _note_synonyms(plan, word, synonym_stems)
                continue
            correction = _correction(word, published)
            if correction is not None:
                folded, shown = correction
                wider = _widened(folded, synonym_stems)
                clause.terms = [Term([folded], [stem(folded)]), *wider]
                plan.corrections.append((word, shown))
                _note_synonyms(plan, shown, synonym_stems)
            else:
                dead.append(clause)
    dead_ids = {id(c) for c in dead}
    if dead and any(c.positive and id(c) not in dead_ids for c in plan.clauses):
        # Words that nothing holds, beside words that find something: leave them out.
        plan.ignored = [c.terms[0].typed[0] for c in dead]
        plan.clauses = [c for c in plan.clauses if id(c) not in dead_ids]
    return plan


def word_clause(word: str, *, exact: bool = False) -> Clause:
    """A folded word as `plan_search` widens it: its other number and (unless `exact`) its
    synonyms."""
    from .search_words import synonyms

    return Clause([Term([word], [stem(word)]), *_widened(word, {} if exact else synonyms())])


def _has_plain_words(plan: SearchPlan) -> bool:
    return any(len(t.stems) == 1 for c in plan.clauses for t in c.positive)


def _widened(word: str, synonym_stems: dict) -> list[Term]:
    """The terms a folded word adds: its other number, when the stemmer keeps them apart
    (vélo, vélos; emploi, emplois), then its synonyms, each with its other number too."""
    own = stem(word)
    added, seen = [], {own}
    for shown, folded, wider in [(word, word, False), *_synonyms_of(own, synonym_stems)]:
        for spelled, term_word in ((shown, folded), (_other_number(shown), _other_number(folded))):
            if len(folded) > 2 and stem(term_word) not in seen:
                seen.add(stem(term_word))
                added.append(Term([spelled], [stem(term_word)], wider=wider))
    return added


def _other_number(word: str) -> str:
    return word[:-1] if word[-1] in "sx" else word + "s"


def _synonyms_of(own: str, synonym_stems: dict) -> list[tuple[str, str, bool]]:
    return [(s, f, True) for s, f in synonym_stems.get(own, ()) if stem(f) != own]


def _note_synonyms(plan: SearchPlan, word: str, synonym_stems: dict):
    own = stem(fold(word))
    shown = list(dict.fromkeys(s for s, _f, _w in _synonyms_of(own, synonym_stems)))
    if shown:
        # The word as its group writes it (« école »): the query's words are folded.
        written = [s for s, folded in synonym_stems.get(own, ()) if stem(folded) == own]
        plan.synonyms.append((written[0] if written else word, shown))


def _count(published, stems, *, limit) -> int:
    plan = SearchPlan([Clause([Term([s], [s]) for s in stems])])
    return published.filter(match_condition(plan)).order_by().values("pk")[:limit].count()


def _correction(word: str, published) -> tuple[str, str] | None:
    """(folded, shown with its accents) for a word that matches nothing: the closest word of
    the documents, unless `word` is a word of the vocabulary itself (a place, a label…)."""
    from .search_words import known_words

    if len(word) < MIN_CORRECTED_LENGTH or not word.isalpha() or word in known_words():
        return None
    return _closest_word(word, published)


def nearest_spelling(word: str, published) -> tuple[str, str] | None:
    """(folded, shown with its accents) of the indexed word closest to `word` that
    published examples hold, even when `word` is a word of the vocabulary: what a list
    that finds nothing proposes."""
    if len(word) < MIN_CORRECTED_LENGTH or not word.isalpha():
        return None
    return _closest_word(word, published)


def _closest_word(word: str, published) -> tuple[str, str] | None:
    """The vocabulary word closest to `word` (one edit, two from eight letters) that
    published examples contain, the most frequent of equally close ones: (folded, shown
    with its accents)."""
    from .search_words import vocabulary

    max_edits = 1 if len(word) < 8 else 2
    candidates = process.extract(
        word, list(vocabulary()), scorer=OSA.distance, score_cutoff=max_edits, limit=8
    )
    best = None
    for candidate, edits, _ in candidates:
        if stem(candidate) == stem(word):
            continue
        matches = _count(published, [stem(candidate)], limit=1000)
        if not matches:
            continue
        key = (edits, -matches, candidate)
        if best is None or key < best[0]:
            best = (key, candidate)
    return (best[1], vocabulary()[best[1]] or best[1]) if best else None


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
    it is found in (title 10, summary 4, the rest 2, description 1), a synonym as if found
    one part lower; the same on both databases. Negated terms score nothing."""
    total = Value(0)
    for clause in plan.clauses:
        positive = clause.positive
        if not positive:
            continue
        # A clause such as `a OR -b` may match without `a`: it then scores 0.
        found_for_sure = len(positive) == len(clause.terms)
        scores = []
        for level, score in enumerate(WEIGHTS.values()):
            condition = _scored_in(positive, level)
            if condition is not None and (level < len(WEIGHTS) - 1 or not found_for_sure):
                scores.append(When(condition, then=Value(score)))
        default = WEIGHTS["D"] if found_for_sure else 0
        total += Case(*scores, default=Value(default), output_field=IntegerField())
    return total


def scored_parts(term: Term) -> list[list[str]]:
    """For each score, best first, the parts of the document where `term` earns it: a
    typed word in its own part, a synonym in the part above (title: 4, summary: 2…)."""
    parts = list(WEIGHTS)
    if not term.wider:
        return [[part] for part in parts]
    return [[], [parts[0]], [parts[1]], parts[2:]]


def _scored_in(terms: list[Term], level: int) -> Q | None:
    conditions = []
    for weight in WEIGHTS:
        earning = [t for t in terms if weight in scored_parts(t)[level]]
        if earning:
            conditions.append(_match_in_part(earning, weight))
    return functools.reduce(operator.or_, conditions) if conditions else None


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
