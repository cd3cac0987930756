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
Every query word must match (`-mot` excludes a word, `a OR b` accepts either). A word that
matches no published example — or far fewer than a close spelling would — is corrected to
the closest word of the vocabulary (`SearchWord`) within one or two edits, and the page
says so.
"""

import functools
import re
import threading
from dataclasses import dataclass, field

import Stemmer
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, Count, FloatField, Max, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from french.text import fold

INDEX_BATCH_SIZE = 2000
FTS_TABLE = "catalogue_example_fts"
# The four parts of the document, best first, with what a word found there scores.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
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
class Clause:
    """One query word (or several joined by OR): an example must match one of `stems`."""

    typed: list[str]
    stems: list[str]
    negated: bool = False


@dataclass
class SearchPlan:
    """A parsed query and the corrections applied to it."""

    clauses: list[Clause] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self):
        return any(not clause.negated for clause in self.clauses)

    @property
    def highlighted_stems(self) -> set[str]:
        return {s for c in self.clauses if not c.negated for s in c.stems}

    def postgres_query(self) -> str:
        parts = []
        for clause in self.clauses:
            alternatives = " | ".join(f"'{s}'" for s in clause.stems)
            parts.append(f"!({alternatives})" if clause.negated else f"({alternatives})")
        return " & ".join(parts)

    def sqlite_query(self) -> str:
        positive = [c for c in self.clauses if not c.negated]
        negative = [c for c in self.clauses if c.negated]

        def group(clause):
            return "(" + " OR ".join(f'"{s}"' for s in clause.stems) + ")"

        query = " AND ".join(group(c) for c in positive)
        for clause in negative:
            query += f" NOT {group(clause)}"
        return query


def parse(text: str) -> SearchPlan:
    """`text` as clauses: every word must match, `-mot` must not, `a OR b` either."""
    plan = SearchPlan()
    pending_or = False
    for token in (text or "").split():
        if token == "OR":
            pending_or = bool(plan.clauses) and not plan.clauses[-1].negated
            continue
        negated = token.startswith("-") and len(token) > 1
        found = words(token[1:] if negated else token)
        if not found:
            continue
        # "ODD 4" is also one word of the document: odd4.
        if found[0].isdigit() and plan.clauses and plan.clauses[-1].typed == ["odd"]:
            plan.clauses[-1] = Clause(["odd", found[0]], [f"odd{found[0]}"])
            found = found[1:]
        for position, word in enumerate(found):
            clause = Clause([word], [stem(word)], negated)
            if pending_or and position == 0:
                plan.clauses[-1].typed.append(word)
                plan.clauses[-1].stems.append(clause.stems[0])
            else:
                plan.clauses.append(clause)
        pending_or = False
    return plan


def plan_search(text: str, published) -> SearchPlan:
    """Parse `text` and correct the words that `published` examples do not contain."""
    plan = parse(text)
    for clause in plan.clauses:
        if clause.negated or len(clause.typed) != 1:
            continue
        word = clause.typed[0]
        if len(word) < 4 or not word.isalpha():
            continue
        found = _count(published, [clause.stems[0]], limit=RARE_MATCHES + 1)
        if found > RARE_MATCHES:
            continue
        correction = _closest_word(word, published, at_least=found * CORRECTION_RATIO or 1)
        if correction is None:
            continue
        stemmed = stem(correction)
        # A word that some examples contain keeps them: it gains its correction.
        clause.stems = [clause.stems[0], stemmed] if found else [stemmed]
        plan.corrections.append((word, correction))
    return plan


def _count(published, stems, *, limit) -> int:
    plan = SearchPlan([Clause(list(stems), list(stems))])
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
    """The condition on examples that a plan applies (empty when it has no positive word)."""
    if not plan:
        return Q()
    if uses_postgres():
        query = SearchQuery(plan.postgres_query(), search_type="raw", config="simple")
        return Q(search_vector=query)
    matches = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (plan.sqlite_query(),)
    )
    return Q(pk__in=matches)


def filter_examples(queryset, text: str):
    """Examples of `queryset` that match `text` as typed (no correction)."""
    return queryset.filter(match_condition(parse(text)))


def relevance(plan: SearchPlan):
    """How well an example matches: each query word scores by the best part of the document
    it is found in (title 1, summary 0.4, the rest 0.2, description 0.1); the same on both
    databases."""
    total = Value(0.0)
    for clause in plan.clauses:
        if clause.negated:
            continue
        scores = [
            When(_match_in_part(clause, weight), then=Value(score))
            for weight, score in WEIGHTS.items()
            if weight != "D"
        ]
        total += Case(*scores, default=Value(WEIGHTS["D"]), output_field=FloatField())
    return total


def order_by_relevance(queryset, plan: SearchPlan):
    """Best matches first, then newest."""
    if not plan:
        return queryset
    ranked = queryset.annotate(relevance=relevance(plan))
    return ranked.order_by("-relevance", "-start_year", "-pk")


def _match_in_part(clause: Clause, weight: str) -> Q:
    if uses_postgres():
        query = " | ".join(f"'{s}':{weight}" for s in clause.stems)
        return Q(search_vector=SearchQuery(query, search_type="raw", config="simple"))
    column = weight.lower()
    alternatives = " OR ".join(f'"{s}"' for s in clause.stems)
    matches = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
        (f"{column} : ({alternatives})",),
    )
    return Q(pk__in=matches)


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
