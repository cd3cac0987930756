"""Searched words answered from memory, beside the facet index.

A common word (« solidaire »: one published example in nine) costs the database a scan of
every example that contains it, to read in which part of the document it is. Here, for the
words searched most recently in this process, the published examples containing each word
are kept as four bitmaps, one per part of the document (`search.WEIGHTS`: title, summary,
the other fields, description), each example in the best part it is found in. A search of
plain words is then matched, counted and ranked in memory like a facet filter, with the
scores `search.relevance` gives in SQL (tests/test_word_index.py holds the two together).

The words belong to one facet index (`FacetIndex.words`): when the index follows the change
log, `updated` reads the changed examples' words again in one query, so a curator's save
keeps them. A snapshot carries the words of the worker that left it, so a new worker starts
with them; `manage.py build_facet_index` reads again the words of the snapshot it replaces.

Phrases, and a negation inside an OR (`a OR -b`), stay the database's (`answerable`).
"""

import threading
from collections import defaultdict

from django.db import connections, router
from pyroaring import BitMap

from core import replica

from . import search
from .choices import ExampleStatus

# Words kept per process (the least recently searched are dropped first): 4 bitmaps each,
# about 60 kB for a word found in 10,000 examples.
MAX_WORDS = 200
PARTS = tuple(search.WEIGHTS)  # "A" (title) … "D" (description), best first
SCORES = tuple(search.WEIGHTS.values())

_lock = threading.Lock()


def answerable(plan: search.SearchPlan) -> bool:
    """Whether `plan` is plain words: each term one word, at least one clause of words to
    find, and a negated word only on its own."""
    if not any(clause.positive for clause in plan.clauses):
        return False
    return all(
        all(len(term.stems) == 1 for term in clause.terms)
        and not (clause.negative and len(clause.terms) > 1)
        for clause in plan.clauses
    )


def ranked(index, plan: search.SearchPlan) -> tuple[BitMap, list[tuple[int, BitMap]]]:
    """The published examples matching an `answerable` plan, and their ranking: (score, ids)
    groups, best first, each score summed clause after clause as `search.relevance` sums it."""
    matching = BitMap(index.all)
    clauses = []
    for clause in plan.clauses:
        if not clause.positive:
            # -mot: every example but those containing it.
            matching -= BitMap.union(*parts_of(index, clause.terms[0].stems[0]))
            continue
        # Any of the clause's words, at the best score any of them earns (a synonym one
        # part lower: search.scored_parts).
        found = [_scored(index, term) for term in clause.positive]
        seen, best = BitMap(), []
        for part in range(len(PARTS)):
            ids = BitMap.union(*(parts[part] for parts in found)) - seen
            seen |= ids
            best.append(ids)
        matching &= seen
        clauses.append(best)
    groups = {0: matching}
    for best in clauses:
        scored = defaultdict(BitMap)
        for total, ids in groups.items():
            for score, part in zip(SCORES, best, strict=True):
                if both := ids & part:
                    scored[total + score] |= both
        groups = scored
    return matching, sorted(groups.items(), key=lambda group: group[0], reverse=True)


def _scored(index, term: search.Term) -> list[BitMap]:
    """The examples holding `term`, one bitmap per score, best first."""
    parts = dict(zip(PARTS, parts_of(index, term.stems[0]), strict=True))
    return [
        BitMap.union(BitMap(), *(parts[part] for part in level))
        for level in search.scored_parts(term)
    ]


def parts_of(index, stem: str) -> tuple[BitMap, ...]:
    """The published examples whose document holds `stem`, one bitmap per part (each example
    in the best part): read once per facet index, then kept."""
    words = index.words
    parts = words.get(stem)
    if parts is not None:
        with _lock:  # now the most recently searched: the last to be dropped
            if stem in words:
                words[stem] = words.pop(stem)
    else:
        # Kept with the index of version `number`: never read from an older replica.
        with replica.primary_unless_replayed(index.number):
            parts = _read(stem)
        with _lock:
            while len(words) >= MAX_WORDS:
                words.pop(next(iter(words)))
            words[stem] = parts
    return parts


def copy(words: dict) -> dict:
    """A copy of `words` that a request adding a word meanwhile does not disturb."""
    with _lock:
        return dict(words)


def updated(words: dict, changed: BitMap, published: BitMap) -> dict:
    """`words` after the examples `changed` were written: taken out everywhere, then put back
    in their best part for the words they now hold (`published`: the examples published
    after the change)."""
    words = copy(words)  # a request of this process may be adding a word meanwhile
    if not words:
        return {}
    fresh = {stem: [part - changed for part in parts] for stem, parts in words.items()}
    for pk, stem, part in _parts_in(changed & published, list(words)):
        fresh[stem][part].add(pk)
    return {stem: tuple(parts) for stem, parts in fresh.items()}


def _read(stem: str) -> tuple[BitMap, ...]:
    """One scan of the examples holding `stem`, scored by the SQL of the search itself."""
    from .facets import raw_rows
    from .models import Example

    plan = search.SearchPlan([search.Clause([search.Term([stem], [stem])])])
    rows = (
        Example.objects.filter(status=ExampleStatus.PUBLIE)
        .filter(search.match_condition(plan))
        .annotate(score=search.relevance(plan))
        .order_by()
        .values_list("pk", "score")
    )
    buckets = [[] for _ in PARTS]
    for pk, score in raw_rows(rows):
        buckets[SCORES.index(score)].append(pk)
    return tuple(BitMap(ids) for ids in buckets)


def _parts_in(ids: BitMap, stems: list[str]):
    """(example, stem, best part) for each of `stems` in the documents of examples `ids`."""
    if not ids:
        return
    from .models import Example

    wanted, ids = set(stems), list(ids)
    with connections[router.db_for_read(Example)].cursor() as cursor:
        for start in range(0, len(ids), search.INDEX_BATCH_SIZE):
            batch = ids[start : start + search.INDEX_BATCH_SIZE]
            if search.uses_postgres():
                # unnest(tsvector): a row per word of the document, with the parts it is in.
                cursor.execute(
                    "SELECT e.id, w.lexeme, w.weights FROM catalogue_example e "
                    "CROSS JOIN LATERAL unnest(e.search_vector) AS w "
                    "WHERE e.id = ANY(%s) AND w.lexeme = ANY(%s)",
                    [batch, stems],
                )
                for pk, stem, weights in cursor.fetchall():
                    yield pk, stem, min(PARTS.index(weight) for weight in weights)
                continue
            marks = ", ".join("%s" for _ in batch)
            cursor.execute(
                f"SELECT rowid, a, b, c, d FROM {search.FTS_TABLE} WHERE rowid IN ({marks})", batch
            )
            for pk, *texts in cursor.fetchall():
                seen = set()
                for part, text in enumerate(texts):
                    for stem in wanted.intersection((text or "").split()) - seen:
                        seen.add(stem)
                        yield pk, stem, part
