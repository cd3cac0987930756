"""The orders of the example list, in SQL and in memory: one definition of each.

The FilterSet's queryset is sorted by SQL (exports, the feed, long lists). A list of up to
MAX_ID_LIST examples already found in the facet index is sorted in memory instead, from the
index's start years and the relevance read in the same scan as the words
(catalogue.selectors.ordered_ids): the same order, without a second scan.
`tests/test_filters.py` checks both give the same order for each sort.
"""

from django.utils.translation import gettext_lazy as _

from french.collation import french_order

from . import search

SORTS = [
    ("pertinence", _("Pertinence")),
    ("recent", _("Les plus récents")),
    ("ancien", _("Les plus anciens")),
    ("titre", _("Titre (A → Z)")),
]
# Up to this many results, the list is sorted in memory; the orders it can sort that way
# (the title's French collation is the database's).
MAX_ID_LIST = 20_000
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


def sorted_ids(ids, choice: str, years, relevance: dict[int, float]) -> list[int]:
    """`ids` in one of IN_MEMORY_SORTS, as `sorted_queryset` orders them: `years[pk]` is an
    example's start year, `relevance` its score for the words searched."""
    if choice == "pertinence":
        return sorted(ids, key=lambda pk: (relevance.get(pk, 0), years[pk], pk))[::-1]
    return sorted(ids, key=lambda pk: (years[pk], pk), reverse=choice == "recent")
