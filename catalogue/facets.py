"""Facet counts from an in-process bitmap index of the published examples.

Counting every facet value with SQL scans the filtered examples once per facet (seconds at
100,000 examples). Here each worker keeps, per facet value, the set of published example
ids as a compressed bitmap (pyroaring); a filtered set is the intersection of bitmaps, and
a count is one intersection's size (microseconds).

The index follows the public version (core.public_version) without being rebuilt: the change
log names the examples, actors and territories each public write changed, and a worker
reads only those again (milliseconds). It is built whole only for a change of reference
lists or a bulk load, or when it is too far behind; and a new worker starts from the last
snapshot that a worker left in the shared cache, then catches up from the log.

The index is read for a list by catalogue.selectors (the matches, the facet counts, the
order); filters that are not facets (words, a deeper territory, an actor, years) give their
ids there through the FilterSet's own filter methods.
"""

import threading
from collections import defaultdict
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Aggregate, Exists, OuterRef, TextField
from django.utils.functional import cached_property
from pyroaring import BitMap

from core import public_version, replica
from territoires.models import slug_at, slug_at_sql

from . import word_index
from .choices import ExampleStatus
from .example_actors import ExampleActors

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
# The place facets: each counts the région or département an example lies in (its slug on the
# example's territory path, `territoires.models.slug_at`).
PLACES = ("region", "departement")
# Beyond this many examples changed since a worker's index, rebuilding is as quick.
MAX_DELTA_EXAMPLES = 50_000
SNAPSHOT_KEY = "facet-index-snapshot"
# A worker leaves a new snapshot when the last one is this many changes behind.
SNAPSHOT_EVERY = 200
SNAPSHOT_SECONDS = 7 * 24 * 3600

_lock = threading.Lock()
_index = {"value": None}


class FacetIndex:
    """{facet: {value: BitMap of published example ids}} and the set of all of them, at one
    public version (`number`, `stamp`).

    Besides the list's facets: "annee" (start year) and, read when first asked (only the
    Fiches Repères and `entre_pairs=` need it), "entre_pairs" (at least two actors of a type).
    The actors and territories of published examples are bitmaps too, for the home page.
    """

    def __init__(self, number=0, stamp=""):
        self.number, self.stamp = number, stamp
        self.bitmaps = defaultdict(dict)
        self.all = BitMap()
        self.actors = BitMap()
        self.territories = BitMap()
        # What the link tables' ids stand for (slugs, objectives): reference lists change
        # only with a whole build, so an update reuses them.
        self.values = {}
        # The words searched in this process (catalogue.word_index), not in snapshots.
        self.words = {}
        # Every example's actors, read when a fiche first counts actors (`actor_count`).
        self.example_actors = None
        # The names suggested as a visitor types (catalogue.suggestions), built when first
        # asked (or by `manage.py build_facet_index`), carried by snapshots.
        self.suggestions = None

    @classmethod
    def build(cls, number, stamp) -> "FacetIndex":
        from .models import Actor, Example

        index = cls(number, stamp)
        index._read(None)
        published = Example.objects.filter(status=ExampleStatus.PUBLIE).order_by()
        index.territories = BitMap(
            pk for (pk,) in raw_rows(published.values_list("territory_id").distinct())
        )
        # The public actors as their own queryset says (an EXISTS per actor): at 1,000,000
        # examples 2.4 s, where a DISTINCT over the 2.6 million partnerships took 4.8 s and,
        # on a busy machine, spilled its hash to disk for over 15 minutes (docs/benchmarks.md).
        public = Actor.objects.public().order_by().values_list("pk")
        index.actors = BitMap(pk for (pk,) in raw_rows(public))
        return index

    def updated(self, number, stamp, *, examples, actors, territories) -> "FacetIndex":
        """A new index with these examples read again (readers of this one are undisturbed:
        no bitmap of it is changed)."""
        from territoires.models import Territory

        from .models import Actor, Example

        changed = BitMap(examples)
        index = FacetIndex(number, stamp)
        index.all = self.all - changed
        index.values = self.values
        for facet, values in self.bitmaps.items():
            index.bitmaps[facet] = {value: ids - changed for value, ids in values.items()}
        if changed:
            index._read(changed)
        index.words = word_index.updated(self.words, changed, index.all)
        if self.example_actors is not None:
            index.example_actors = self.example_actors.updated(changed)
        if territories:
            # Does each still hold a published example? One lookup each, not a count.
            places = Territory.objects.filter(pk__in=list(territories)).filter(
                Exists(
                    Example.objects.filter(status=ExampleStatus.PUBLIE, territory=OuterRef("pk"))
                )
            )
            found = places.values_list("pk", flat=True)
            index.territories = (self.territories - BitMap(territories)) | BitMap(found)
        else:
            index.territories = self.territories
        if actors:
            found = Actor.objects.public().filter(pk__in=list(actors)).values_list("pk", flat=True)
            index.actors = (self.actors - BitMap(actors)) | BitMap(found)
        else:
            index.actors = self.actors
            if "public_actors" in self.__dict__ and not changed:
                index.__dict__["public_actors"] = self.public_actors
        if self.suggestions is not None:
            index.suggestions = self.suggestions.updated(changed, actors, index)
        return index

    def _read(self, ids: BitMap | None):
        """Add the published examples among `ids` (all of them when None) to the bitmaps: the
        same grouped queries for a whole build and for a handful of changed examples."""
        from .models import Domain, Example, Objective, Partnership, PartnershipType

        published = Example.objects.filter(status=ExampleStatus.PUBLIE).order_by()
        if ids is not None:
            published = published.filter(pk__in=list(ids))

        def links(queryset):
            return queryset.order_by() if ids is None else queryset.filter(example_id__in=list(ids))

        def add(facet, value, pks):
            bitmap = BitMap(pks) & self.all
            if bitmap:
                current = self.bitmaps[facet].get(value)
                self.bitmaps[facet][value] = bitmap if current is None else current | bitmap

        if ids is None:
            # Each facet is one grouped query: the database gathers the ids of each value.
            years = _grouped(published, "start_year", "pk")
            scales = _grouped(published.exclude(scale=""), "scale", "pk")
            places = {
                facet: _grouped(
                    published.annotate(place=slug_at_sql("territory__path", facet)),
                    "place",
                    "pk",
                )
                for facet in PLACES
            }
        else:
            # A handful of examples: one query, grouped here the same way.
            years, scales, places = _grouped_here(published)
        for year, pks in years:
            self.all |= BitMap(pks)
            add("annee", year, pks)
        for scale, pks in scales:
            add("echelle", scale, pks)
        for facet, groups in places.items():
            for place, pks in groups:
                if place:
                    add(facet, place, pks)
        # Link tables are read without a join back to the examples; drafts are masked out.
        for facet, through, column, names in (
            ("domaine", Example.domains.through, "domain", Domain),
            ("type_partenariat", Example.partnership_types.through, "partnershiptype",
             PartnershipType),
        ):  # fmt: skip
            if facet not in self.values:
                self.values[facet] = dict(names.objects.values_list("pk", "slug"))
            for value_id, pks in _grouped(links(through.objects), column, "example"):
                add(facet, self.values[facet][value_id], pks)
        if "objectives" not in self.values:
            self.values["objectives"] = {
                pk: ("odd" if family == "odd" else "objectif", str(number))
                for pk, family, number in Objective.objects.values_list("pk", "family", "number")
            }
        for objective_id, pks in _grouped(
            links(Example.objectives.through.objects), "objective", "example"
        ):
            add(*self.values["objectives"][objective_id], pks)
        partners = links(Partnership.objects)
        for actor_type, pks in _grouped(partners, "actor__actor_type", "example"):
            add("type_acteur", actor_type, pks)
        if "entre_pairs" in self.bitmaps:
            for actor_type, pks in _peers(partners).items():
                add("entre_pairs", actor_type, pks)

    @property
    def figures(self) -> dict[str, int]:
        """The home page's key figures."""
        return {
            "examples": len(self.all),
            "actors": len(self.actors),
            "territories": len(self.territories),
        }

    @cached_property
    def public_actors(self) -> list[tuple[int, str]]:
        """(id, actor type) of the actors of published examples, in French name order: the
        actor list pages through it (read once per change of actors, when first asked)."""
        from french.collation import french_order

        from .models import Actor

        ordered = Actor.objects.public().order_by(french_order("name"), "pk")
        with replica.primary_unless_replayed(self.number):
            return list(ordered.values_list("pk", "actor_type"))

    def of(self, facet) -> dict[str, BitMap]:
        """{value: BitMap} of a facet; "entre_pairs" is read from the database the first time
        (one grouped query; two workers asking at once read it twice, harmlessly)."""
        if facet == "entre_pairs" and facet not in self.bitmaps:
            from .models import Partnership

            with replica.primary_unless_replayed(self.number):
                peers = _peers(Partnership.objects.all())
            self.bitmaps[facet] = {kind: BitMap(ids) & self.all for kind, ids in peers.items()}
        return self.bitmaps[facet]

    def actor_count(self, within: BitMap) -> int:
        """How many different actors take part in these examples (catalogue.example_actors,
        read from the database the first time, as "entre_pairs")."""
        if self.example_actors is None:
            with replica.primary_unless_replayed(self.number):
                self.example_actors = ExampleActors.read()
        return self.example_actors.count(within)

    def located_in(self, territories) -> BitMap:
        """The published examples located in any of `territories` or below them: from the
        région and département bitmaps, else (a commune, an EPCI through its members) one
        query of ids, the territory filter's own condition (`Territory.below`)."""
        from territoires.models import Territory, TerritoryLevel

        from .models import Example

        found, deeper = BitMap(), []
        for territory in territories:
            if territory.level == TerritoryLevel.PAYS:
                found |= self.all
            elif territory.level in PLACES:
                found |= self.bitmaps[territory.level].get(territory.slug, BitMap())
            else:
                deeper.append(territory)
        if deeper:
            below = reduce(or_, (territory.below() for territory in deeper))
            rows = (
                Example.objects.filter(status=ExampleStatus.PUBLIE)
                .filter(territory__in=Territory.objects.filter(below))
                .order_by()
                .values_list("pk")
            )
            found |= BitMap(pk for (pk,) in raw_rows(rows)) & self.all
        return found

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

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("public_actors", None)  # read again by whoever needs it
        state["words"] = word_index.copy(self.words)  # a new worker starts with them
        state["bitmaps"] = dict(self.bitmaps)
        return state

    def __setstate__(self, state):
        state["bitmaps"] = defaultdict(dict, state["bitmaps"])
        state.setdefault("values", {})  # a snapshot left by an older release
        state.setdefault("words", {})
        state.setdefault("example_actors", None)
        state.setdefault("suggestions", None)
        self.__dict__.update(state)


def _grouped_here(published):
    """`(years, scales, places)` of a few examples, grouped in Python as `_grouped` groups in
    SQL, from one query."""
    years, scales = defaultdict(list), defaultdict(list)
    places = {facet: defaultdict(list) for facet in PLACES}
    for pk, year, scale, path in published.values_list(
        "pk", "start_year", "scale", "territory__path"
    ):
        years[year].append(pk)
        if scale:
            scales[scale].append(pk)
        for facet in PLACES:
            places[facet][slug_at(path, facet)].append(pk)
    return (
        list(years.items()),
        list(scales.items()),
        {facet: list(groups.items()) for facet, groups in places.items()},
    )


def _peers(partnerships) -> dict[str, list[int]]:
    peers = defaultdict(list)
    rows = partnerships.peers().values_list("example", "actor__actor_type")
    for example, actor_type in raw_rows(rows):
        peers[actor_type].append(example)
    return peers


def current_index() -> FacetIndex:
    """This process's index at the current public version: brought up to date from the change
    log, or loaded from the last snapshot, or built."""
    number, stamp = public_version.state()
    with _lock:
        index = _index["value"]
        if index is None or index.stamp != stamp:
            # Keyed by `number`: not read from a replica that has not replayed it.
            with replica.primary_unless_replayed(number):
                index = _caught_up(index, number, stamp)
            _index["value"] = index
        return index


def _caught_up(index, number, stamp) -> FacetIndex:
    for start in _starting_points(index):
        if start is None or start.number > number:
            continue
        delta = _changes_between(start.number, start.stamp, number)
        if delta is not None:
            caught_up = start.updated(number, stamp, **delta)
            if number - start.number >= SNAPSHOT_EVERY and start is index:
                cache.set(SNAPSHOT_KEY, caught_up, SNAPSHOT_SECONDS)
            return caught_up
    built = FacetIndex.build(number, stamp)
    cache.set(SNAPSHOT_KEY, built, SNAPSHOT_SECONDS)
    return built


def _starting_points(index):
    """This process's index, then the shared snapshot: read (and unpickled, 1.6 MB at 100,000
    examples) only when the process's own index cannot catch up."""
    yield index
    yield cache.get(SNAPSHOT_KEY)


def _changes_between(number, stamp, target) -> dict | None:
    """What the change log says changed after version (`number`, `stamp`) up to `target`, or
    None when it cannot say: the log does not reach back that far (or that version is not of
    this database's history), a change needs a whole build, or too much changed."""
    if number == 0:
        return None
    rows = list(
        public_version.changes_between(number, target).values_list(
            "number", "stamp", "full", "examples", "actors", "territories"
        )
    )
    if len(rows) != target - number + 1 or rows[0][:2] != (number, stamp):
        return None
    delta = {"examples": set(), "actors": set(), "territories": set()}
    for _number, _stamp, full, examples, actors, territories in rows[1:]:
        if full:
            return None
        delta["examples"].update(examples)
        delta["actors"].update(actors)
        delta["territories"].update(territories)
    if len(delta["examples"]) > MAX_DELTA_EXAMPLES:
        return None
    return delta


def raw_rows(queryset):
    """The rows of a values_list() as the database driver gives them: ids and numbers need
    no conversion, and skipping the ORM's per-row work halves the time for 10,000 rows."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
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
        return raw_rows(rows.values_list(key, "ids"))
    rows = queryset.values(key).annotate(ids=_GroupConcat(value))
    return [
        (group, [int(pk) for pk in ids.split(",")])
        for group, ids in raw_rows(rows.values_list(key, "ids"))
    ]
