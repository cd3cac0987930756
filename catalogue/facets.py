"""Facet counts from an in-process bitmap index of the published examples.

Counting every facet value with SQL scans the filtered examples once per facet (seconds at
100,000 examples). Here each worker keeps, per facet value, the set of published example
ids as a compressed bitmap (pyroaring), rebuilt when the catalogue version changes; a
filtered set is the intersection of bitmaps, and a count is one intersection's size
(microseconds). Filters that are not facets (words, a deeper territory, an actor, years)
give their ids through the FilterSet's own filter methods, so every filter keeps one
definition.
"""

import threading
from collections import defaultdict

from django.db import connection
from django.db.models import Aggregate, Count, TextField
from django.db.models.functions import Substr
from django.utils.functional import cached_property
from pyroaring import BitMap

from . import search, versions
from .choices import ExampleStatus

# Facet name -> the FilterSet filter it counts for; "region" and "departement" both count
# for the territory filter.
FACET_FILTERS = {
    "type_acteur": "type_acteur",
    "domaine": "domaine",
    "odd": "odd",
    "objectif": "objectif",
    "type_partenariat": "type_partenariat",
    "echelle": "echelle",
    "region": "territoire",
    "departement": "territoire",
}

_lock = threading.Lock()
_index = {"version": None, "value": None}


class FacetIndex:
    """{facet: {value: BitMap of published example ids}} and the set of all of them.

    Besides the list's facets: "annee" (start year) and, read when first asked (only the
    Fiches Repères and `entre_pairs=` need it), "entre_pairs" (at least two actors of a type).
    """

    def __init__(self):
        from .models import Domain, Example, Objective, Partnership, PartnershipType

        self.bitmaps = defaultdict(dict)
        published = Example.objects.filter(status=ExampleStatus.PUBLIE).order_by()
        # Each facet is one grouped query: the database gathers the ids of each value, so
        # Python never walks a million link rows (2 s at 100,000 examples, now a fraction).
        self.years = {}
        for year, ids in _grouped(published, "start_year", "pk"):
            self.years.update(dict.fromkeys(ids, year))
        self.all = BitMap(self.years)
        by_year = defaultdict(list)
        for pk, year in self.years.items():
            by_year[year].append(pk)
        self.bitmaps["annee"] = {year: BitMap(ids) for year, ids in by_year.items()}
        for scale, ids in _grouped(published.exclude(scale=""), "scale", "pk"):
            self.bitmaps["echelle"][scale] = BitMap(ids)
        # Territory paths are "/pays-fr/region-32/departement-59/…": fixed offsets.
        for facet, (start, length) in (("region", (10, 9)), ("departement", (20, 15))):
            places = published.annotate(place=Substr("territory__path", start, length))
            for place, ids in _grouped(places, "place", "pk"):
                if place and place.startswith(facet):
                    self.bitmaps[facet][place.rstrip("/")] = BitMap(ids)

        # Link tables are read whole (no join back to the examples); drafts are masked out.
        relations = (
            (
                "domaine",
                Example.domains.through,
                "domain",
                Domain.objects.values_list("pk", "slug"),
            ),
            (
                "type_partenariat",
                Example.partnership_types.through,
                "partnershiptype",
                PartnershipType.objects.values_list("pk", "slug"),
            ),
        )
        for facet, through, column, names in relations:
            names = dict(names)
            links = through.objects.order_by()
            for value_id, ids in _grouped(links, column, "example"):
                self.bitmaps[facet][names[value_id]] = BitMap(ids) & self.all
        objectives = {
            pk: ("odd" if family == "odd" else "objectif", str(number))
            for pk, family, number in Objective.objects.values_list("pk", "family", "number")
        }
        links = Example.objectives.through.objects.order_by()
        for objective_id, ids in _grouped(links, "objective", "example"):
            facet, value = objectives[objective_id]
            self.bitmaps[facet][value] = BitMap(ids) & self.all
        partners = Partnership.objects.order_by()
        for actor_type, ids in _grouped(partners, "actor__actor_type", "example"):
            self.bitmaps["type_acteur"][actor_type] = BitMap(ids) & self.all
        public_partners = partners.filter(example__status=ExampleStatus.PUBLIE)
        # The home page's key figures.
        self.figures = {
            "examples": len(self.all),
            **public_partners.aggregate(actors=Count("actor", distinct=True)),
            **published.aggregate(territories=Count("territory", distinct=True)),
        }

    @cached_property
    def public_actors(self) -> list[tuple[int, str]]:
        """(id, actor type) of the actors of published examples, in French name order: the
        actor list pages through it (read once per catalogue version, when first asked)."""
        from french.collation import french_order

        from .models import Actor

        ordered = Actor.objects.public().order_by(french_order("name"), "pk")
        return list(ordered.values_list("pk", "actor_type"))

    def of(self, facet) -> dict[str, BitMap]:
        """{value: BitMap} of a facet; "entre_pairs" is read from the database the first time
        (one grouped query; two workers asking at once read it twice, harmlessly)."""
        if facet == "entre_pairs" and facet not in self.bitmaps:
            from .models import Partnership

            peers = defaultdict(list)
            rows = Partnership.objects.peers().values_list("example", "actor__actor_type")
            for example, actor_type in _raw_rows(rows):
                peers[actor_type].append(example)
            self.bitmaps[facet] = {kind: BitMap(ids) & self.all for kind, ids in peers.items()}
        return self.bitmaps[facet]

    def any_of(self, facet, values) -> BitMap:
        return BitMap.union(BitMap(), *(self.of(facet).get(v, BitMap()) for v in values))

    def all_of(self, facet, values) -> BitMap:
        result = BitMap(self.all)
        for value in values:
            result &= self.of(facet).get(value, BitMap())
        return result

    def counts(self, facet, within: BitMap) -> dict[str, int]:
        return {
            value: bitmap.intersection_cardinality(within)
            for value, bitmap in self.of(facet).items()
        }


def current_index() -> FacetIndex:
    """This process's index, rebuilt first if the catalogue changed since it was built."""
    version = versions.current()
    with _lock:
        if _index["version"] != version:
            _index["value"] = FacetIndex()
            _index["version"] = version
        return _index["value"]


def facet_counts(filterset) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} plus {"total": {"": n}} for a valid FilterSet.

    Each "any of" facet counts over the examples that the other filters keep, so the number
    beside a value is what choosing it alone in its facet would give; actor types combine
    (an alliance between all of them), so theirs count within the current results.
    """
    index = current_index()
    data = filterset.form.cleaned_data
    kept = {}  # filter name -> the examples it keeps
    for name, value in data.items():
        if name not in filterset.filters or name in ("tri", "page") or value in (None, "", []):
            continue
        kept[name] = _kept_by(filterset, index, name, value)

    def without(excluded):
        result = BitMap(index.all)
        for name, ids in kept.items():
            if name != excluded:
                result &= ids
        return result

    everything = without(None)
    filterset.facet_index = index
    filterset.matching_ids = everything if kept else None
    counts = {"total": {"": len(everything)}}
    for facet, filter_name in FACET_FILTERS.items():
        within = everything if facet == "type_acteur" else without(filter_name)
        counts[facet] = index.counts(facet, within)
    return counts


def _kept_by(filterset, index, name, value) -> BitMap:
    from territoires.models import TerritoryLevel

    if name in ("type_acteur", "entre_pairs"):
        return index.all_of(name, value)
    if name in FACET_FILTERS and name != "territoire":
        return index.any_of(name, value)
    if name == "territoire" and value.level in (TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT):
        return BitMap(index.bitmaps[value.level].get(value.slug, BitMap()))
    if name == "territoire" and value.level == TerritoryLevel.PAYS:
        return BitMap(index.all)
    # Words, a commune or an EPCI, an actor, years: the filter's own query, ids only.
    queryset = filterset.filters[name].filter(filterset.queryset.all(), value).order_by()
    if name == "q" and filterset.search_plan:
        # Their relevance in the same scan: the list is then sorted without another one.
        rows = queryset.annotate(score=search.relevance(filterset.search_plan))
        filterset.relevance = dict(_raw_rows(rows.values_list("pk", "score")))
        return BitMap(filterset.relevance)
    return BitMap(pk for (pk,) in _raw_rows(queryset.values_list("pk")))


def _raw_rows(queryset):
    """The rows of a values_list() as the database driver gives them: ids and numbers need
    no conversion, and skipping the ORM's per-row work halves the time for 10,000 rows."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _GroupConcat(Aggregate):
    """SQLite's group_concat: the ids of a group as "1,2,3"."""

    function = "GROUP_CONCAT"
    output_field = TextField()


def _grouped(queryset, key, value):
    """[(key, [ids…])] of `queryset` grouped by `key`: ArrayAgg on PostgreSQL, group_concat
    on SQLite; the database gathers the ids of each group."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        rows = queryset.values(key).annotate(ids=ArrayAgg(value))
        return _raw_rows(rows.values_list(key, "ids"))
    rows = queryset.values(key).annotate(ids=_GroupConcat(value))
    return [
        (group, [int(pk) for pk in ids.split(",")])
        for group, ids in _raw_rows(rows.values_list(key, "ids"))
    ]
