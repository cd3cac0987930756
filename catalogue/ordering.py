"""The orders of the example list, in SQL and in memory: one definition of each.

The FilterSet's queryset is sorted by SQL (exports, the feed, the title order). The list's
examples, once found in the facet index, are read in order from memory instead, whatever
their number: by the relevance read with the words, then the index's start-year bitmaps
(`RankedIds`, catalogue.selectors.ordered_ids): the same order, without a second scan, and a
page costs a few bitmap intersections. `tests/test_filters.py` checks both give the same
order for each sort.
"""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _
from pyroaring import BitMap

from french.collation import french_order

from . import search

SORTS = [
    ("pertinence", _("Pertinence")),
    ("recent", _("Les plus récents")),
    ("ancien", _("Les plus anciens")),
    ("titre", _("Titre (A → Z)")),
]
# The orders read from the facet index ("pertinence" without words is "recent"); the title's
# French collation is the database's.
IN_MEMORY_SORTS = ("pertinence", "recent", "ancien")
ORDERINGS = {
    "recent": ("-start_year", "-pk"),
    "ancien": ("start_year", "pk"),
    "titre": (french_order("title"), "pk"),
}


def sort_choice(data) -> str:
    """The order in force for a list's valid cleaned data: the one asked for, else relevance
    for a search, else newest."""
    return data.get("tri") or ("pertinence" if data.get("q") else "recent")


def sorted_queryset(queryset, data, plan: search.SearchPlan):
    """`queryset` in the order in force, by SQL (`plan`: the words searched, for relevance)."""
    choice = sort_choice(data)
    if choice == "pertinence" and data.get("q"):
        return search.order_by_relevance(queryset, plan)
    return queryset.order_by(*ORDERINGS.get(choice, ORDERINGS["recent"]))


class RankedIds(Sequence):
    """Examples by relevance, as `search.order_by_relevance` orders them (score, then start
    year, then id, each from the highest): `ranking` holds (score, ids) groups best first,
    `by_year` the index's bitmap of each start year. Only the groups and years a page falls
    in are read, so page 1 of 100,000 matches costs a few bitmap intersections. With one
    group, the order is "recent"; `oldest_first`, "ancien" (start year, then id, from the
    lowest)."""

    def __init__(
        self,
        ranking: list[tuple[int, BitMap]],
        by_year: dict[int, BitMap],
        *,
        oldest_first: bool = False,
    ):
        self.groups = [ids for _score, ids in ranking if ids]
        self.years = [ids for _year, ids in sorted(by_year.items(), reverse=not oldest_first)]
        self.read = _lowest_first if oldest_first else _highest_first
        self.total = sum(len(ids) for ids in self.groups)

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.total)
            return self._between(start, stop)[::step]
        position = index + self.total if index < 0 else index
        if not 0 <= position < self.total:
            raise IndexError(index)
        return self._between(position, position + 1)[0]

    def _between(self, start: int, stop: int) -> list[int]:
        return _slice(self.groups, start, stop, self._by_year)

    def _by_year(self, ids: BitMap, start: int, stop: int) -> list[int]:
        return _slice([ids & year for year in self.years], start, stop, self.read)


def _slice(parts, start, stop, read) -> list[int]:
    """Positions [start, stop) of the concatenation of `parts`, each read by
    `read(part, start, stop)` only when the range falls in it."""
    found, offset = [], 0
    for part in parts:
        if offset >= stop:
            break
        if offset + len(part) > start:
            found += read(part, max(start - offset, 0), min(stop - offset, len(part)))
        offset += len(part)
    return found


def _lowest_first(ids: BitMap, start: int, stop: int) -> list[int]:
    return [ids[position] for position in range(start, stop)]


def _highest_first(ids: BitMap, start: int, stop: int) -> list[int]:
    last = len(ids) - 1
    return [ids[last - position] for position in range(start, stop)]
