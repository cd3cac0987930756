"""The catalogue's reads that the pages, the API, the feed, the embed and the Fiches Repères
share (HackSoft's Django styleguide: services write, selectors read).

Each takes what a request asked for (a valid ExampleFilterSet, an ActorFilterForm's cleaned
data) and returns values: ids, counts, relevance. None of them writes on the FilterSet, so
they give the same answer in any order and as often as they are called. A page that needs
several reads of one list finds its examples once (`example_matches`) and hands them to the
others: that is what keeps the list at one query for each filter that is not a facet.

The facet index itself (catalogue.facets) is how they read fast: a facet filter is a bitmap
of the index, and so are plain words once the process knows them (catalogue.word_index);
the others (phrases, a commune or an EPCI, an actor, years) are their own filter's query,
ids only.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pyroaring import BitMap

from territoires.models import TerritoryLevel

from . import facets, ordering, search, word_index
from .facets import FACET_FILTERS, raw_rows
from .models import Actor

# /acteurs/ and the API's actor list show this many actors a page.
ACTORS_PER_PAGE = 50


class CountedIds(Sequence):
    """Ids in order (a list or a values_list query) whose number is already known: any
    paginator (the list page, the API) reads only its page's ids, and no COUNT query runs."""

    def __init__(self, ids, count):
        self.ids, self.count_ = ids, count

    def __len__(self):
        return self.count_

    def __getitem__(self, index):
        return list(self.ids[index]) if isinstance(index, slice) else self.ids[index]


# --- Actors ------------------------------------------------------------------------------------


def actor_ids(data) -> list[int]:
    """The ids of the actors of published examples in French name order, of the type
    `type_acteur` and with every word of `q` in their name (an ActorFilterForm's cleaned
    data): /acteurs/ and /api/v1/acteurs/ page through this one list."""
    ordered = facets.current_index().public_actors
    if data.get("type_acteur"):
        ordered = [(pk, kind) for pk, kind in ordered if kind == data["type_acteur"]]
    text = data.get("q", "").strip()
    if not text:
        return [pk for pk, _kind in ordered]
    named = Actor.objects.public().matching(text)
    found = set(named.values_list("pk", flat=True))
    return [pk for pk, _kind in ordered if pk in found]


# --- Examples ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ExampleMatches:
    """The published examples a valid FilterSet keeps, as the facet index found them.

    `kept` holds, for each filter given, the examples that filter keeps on its own: a facet
    value's count is taken over what the *other* filters keep. `ranking` groups the examples
    matching the words searched by their score, best first (empty without words): found with
    the match, in memory (catalogue.word_index) or in the same scan.
    """

    index: facets.FacetIndex
    kept: dict[str, BitMap]
    ranking: list[tuple[int, BitMap]] = field(default_factory=list)

    def without(self, excluded: str | None) -> BitMap:
        """The examples every filter but `excluded` keeps."""
        result = BitMap(self.index.all)
        for name, ids in self.kept.items():
            if name != excluded:
                result &= ids
        return result

    @cached_property
    def ids(self) -> BitMap:
        """The examples every filter keeps: all the published ones when none is given."""
        return self.without(None)


def example_matches(filterset) -> ExampleMatches:
    """The examples a valid FilterSet keeps: one query for each filter that is not a facet
    (words, a commune or an EPCI, an actor, years), none for the others."""
    index = facets.current_index()
    kept, ranking = {}, []
    for name, value in filterset.form.cleaned_data.items():
        if (
            name not in filterset.filters
            or name in ("tri", "exact", "page")
            or value in (None, "", [])
        ):
            continue
        if name == "q" and filterset.search_plan:
            # Their ranking with the match: the list is then sorted without another scan.
            kept[name], ranking = _ranked_matches(filterset, index, value)
        else:
            kept[name] = _kept_by(filterset, index, name, value)
    return ExampleMatches(index, kept, ranking)


def _kept_by(filterset, index, name, value) -> BitMap:
    if name in ("type_acteur", "entre_pairs"):
        return index.all_of(name, value)
    if name in FACET_FILTERS and name != "territoire":
        return index.any_of(name, value)
    if name == "territoire" and value.level in (TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT):
        return BitMap(index.bitmaps[value.level].get(value.slug, BitMap()))
    if name == "territoire" and value.level == TerritoryLevel.PAYS:
        return BitMap(index.all)
    # A commune or an EPCI, an actor, years (words with nothing to search for): the
    # filter's own query, ids only.
    queryset = _filtered(filterset, name, value)
    return BitMap(pk for (pk,) in raw_rows(queryset.values_list("pk")))


def _ranked_matches(filterset, index, value) -> tuple[BitMap, list[tuple[int, BitMap]]]:
    """The examples matching the words and their (score, ids) groups, best first: plain
    words from memory, anything else in one scan that reads each match's relevance."""
    plan = filterset.search_plan
    if word_index.answerable(plan):
        return word_index.ranked(index, plan)
    rows = _filtered(filterset, "q", value).annotate(score=search.relevance(plan))
    groups = defaultdict(list)
    for pk, score in raw_rows(rows.values_list("pk", "score")):
        groups[score].append(pk)
    ranking = sorted(((score, BitMap(ids)) for score, ids in groups.items()), reverse=True)
    return BitMap.union(BitMap(), *(ids for _, ids in ranking)), ranking


def _filtered(filterset, name, value):
    return filterset.filters[name].filter(filterset.queryset.all(), value).order_by()


def facet_counts(matches: ExampleMatches) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} plus {"total": {"": n}}, from the index alone (no query).

    Each "any of" facet counts over the examples that the other filters keep, so the number
    beside a value is what choosing it alone in its facet would give; actor types combine
    (an alliance between all of them), so theirs count within the current results.
    """
    everything = matches.ids
    counts = {"total": {"": len(everything)}}
    for facet, filter_name in FACET_FILTERS.items():
        within = everything if facet == "type_acteur" else matches.without(filter_name)
        counts[facet] = matches.index.counts(facet, within)
    return counts


def territory_counts(territories, index=None) -> dict[int, int]:
    """{territory pk: how many published examples lie in it or below it}: the pays, the
    régions and the départements from the facet index (no query, whatever their size), the
    EPCI and communes in one grouped query (`ExampleQuerySet.count_by_territory`). `index`:
    the facet index the page already read, if any."""
    from .models import Example

    index = index or facets.current_index()
    counts, below = {}, []
    for territory in territories:
        if territory.level == TerritoryLevel.PAYS:
            counts[territory.pk] = len(index.all)
        elif territory.level in facets.PLACES:
            counts[territory.pk] = len(index.of(territory.level).get(territory.slug, BitMap()))
        else:
            below.append(territory)
    return counts | Example.objects.published().count_by_territory(below)


def ordered_ids(filterset, matches: ExampleMatches):
    """The ids of the matching examples in the order in force, read a page at a time from
    the facet index however many match: by relevance (the ranking found with the words),
    else by start year (the index's year bitmaps). The title order is SQL's (French
    collation), a query for each page read.
    """
    choice = ordering.sort_choice(filterset.valid_data)
    years = matches.index.bitmaps["annee"]
    if choice == "pertinence" and matches.ranking:
        ranking = [(score, ids & matches.ids) for score, ids in matches.ranking]
        return ordering.RankedIds(ranking, years)
    if choice in ordering.IN_MEMORY_SORTS:
        return ordering.RankedIds([(0, matches.ids)], years, oldest_first=choice == "ancien")
    return filterset.qs.values_list("pk", flat=True)


def ordered_results(filterset, matches: ExampleMatches | None = None) -> CountedIds:
    """The ordered ids with their number, for a paginator: the list page, the API, the embed
    (`matches` found here when the caller has not found them already)."""
    if matches is None:
        matches = example_matches(filterset)
    return CountedIds(ordered_ids(filterset, matches), len(matches.ids))
