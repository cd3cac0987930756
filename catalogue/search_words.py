"""The words search knows, kept in each process and read again when their tables change
(one small aggregate: counts, last ids, last changes), never through the public version:

- `vocabulary()`: every word ever indexed (`SearchWord`), folded, with how the documents
  write it (« solidarités »): what typos are corrected to;
- `synonyms()`: the curators' `SynonymGroup`s, by stem;
- `known_words()`: every word of the catalogue, never "corrected": the indexed words, every
  territory's name, the reference lists' labels and the synonyms.

catalogue.search reads them; the rules that use them are there.
"""

import threading

from django.db.models import Count, Max

from french.text import fold

from .search import stem, words


class _TableCache:
    """A value computed from tables, kept per process and computed again when their `key()`
    (counts, last ids, last changes: one query) moves: no restart, no public version."""

    def __init__(self, key, load):
        self.key, self.load = key, load
        self.stored, self.value = None, None
        self.lock = threading.Lock()

    def __call__(self):
        key = self.key()
        with self.lock:
            if self.stored != key:
                self.value, self.stored = self.load(), key
            return self.value


def _size(queryset, *fields) -> tuple:
    aggregates = {f"last_{f}": Max(f) for f in fields}
    return tuple(queryset.order_by().aggregate(n=Count("pk"), **aggregates).values())


def _indexed_words() -> dict[str, str]:
    from .models import SearchWord

    return dict(SearchWord.objects.values_list("word", "display"))


def _searchword_size():
    from .models import SearchWord

    return _size(SearchWord.objects, "pk")


# {folded word: how the documents write it ("" when not seen yet)}, every word ever indexed.
vocabulary = _TableCache(_searchword_size, _indexed_words)


def _synonym_groups():
    from .models import SynonymGroup

    return _size(SynonymGroup.objects, "pk", "updated_at")


def _load_synonyms() -> dict[str, list[tuple[str, str]]]:
    from .models import SynonymGroup

    by_stem = {}
    for group in SynonymGroup.objects.all():
        entries = [(shown, fold(shown)) for shown in group.entries()]
        for _shown, folded in entries:
            # The word itself first (as the group writes it), then its synonyms.
            by_stem.setdefault(stem(folded), []).extend(
                sorted(entries, key=lambda e: stem(e[1]) != stem(folded))
            )
    return by_stem


# {stem: [(word as curators wrote it, folded)]}: the word itself, then its synonyms, from
# the curators' SynonymGroup table.
synonyms = _TableCache(_synonym_groups, _load_synonyms)


def _vocabulary_size():
    from territoires.models import Territory

    return (_searchword_size(), _size(Territory.objects, "pk"), synonyms.stored)


def _load_known_words() -> frozenset[str]:
    from territoires.models import Territory

    from .models import Domain, Objective, PartnershipType

    names = [
        *Territory.objects.values_list("name", flat=True),
        *Domain.objects.values_list("name", flat=True),
        *Objective.objects.values_list("name", flat=True),
        *Objective.objects.values_list("short_name", flat=True),
        *PartnershipType.objects.values_list("name", flat=True),
        *(folded for entries in synonyms().values() for _shown, folded in entries),
    ]
    return frozenset(vocabulary()).union(*(words(name) for name in names))


# Every word of the catalogue, never to be corrected: the indexed words (titles, texts,
# partners' names, places and labels of examples, drafts included), every territory's
# name, the reference lists' labels and the synonyms.
known_words = _TableCache(_vocabulary_size, _load_known_words)
