"""Suggestions as a visitor types in a search box: territories, themes, actors and example
titles whose words begin with what was typed (`/exemples/suggestions/?q=lil`).

Each worker keeps, beside its facet index (`FacetIndex.suggestions`: built by
`manage.py build_facet_index` and carried by the snapshot, else when first asked), one
bitmap per folded word of each kind of name: territories and actors by rank (best first: a
bitmap iterates in that order), examples by id (the newest first). A prefix is a range of
the sorted words, the union of their bitmaps; the words typed intersect. Counts come from
the facet index (régions, départements, themes) and from a bitmap of published examples per
place (communes, intercommunalities), so a request reads nothing from the database but the
public version and, for the few examples and actors shown, their names (one query each).

The index follows the facet index through the change log (`updated`): the changed examples'
titles and places and the changed actors' names are read again; a word an example or an
actor no longer has stays in its bitmap until the next whole build, and the names read for
the answer are checked against the words typed, so a stale word is never shown.
"""

import re
import threading
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import get_language
from pyroaring import BitMap

from french.text import fold
from territoires.models import (
    LEVEL_RANK,
    Territory,
    TerritoryLevel,
    path_slugs,
    search_words,
    slug_at,
)

from .choices import ActorType, ExampleStatus, ObjectiveFamily
from .querystrings import query_with

# Up to this many published examples, a worker without suggestions builds them in the request
# that first asks (a second or two); beyond, in a thread of its own while requests are told
# to come back (`NotReady`): 48 s at 1,000,000 examples, over gunicorn's timeout.
BUILD_IN_REQUEST_UP_TO = 20_000
_building = {"lock": threading.Lock(), "thread": None}


class NotReady(Exception):
    """This worker is still building its suggestions."""


# At most this many suggestions in each group, and the shortest prefix answered.
PER_GROUP = 5
MIN_LENGTH = 2
MAX_LENGTH = 100
# Prefixes this short match many words: their union is kept once computed.
SHORT_PREFIX = 3
# Words too common in titles to suggest anything (« de » would match every title).
STOP_WORDS = frozenset(
    "a au aux avec d dans de des du en et l la le les par pour sur un une".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """The words of a title or an actor's name as suggestions compare them (folded)."""
    return _WORD.findall(fold(text))


@dataclass
class Prefixes:
    """{word: BitMap} with its words sorted: the bitmaps of the words beginning with a
    prefix are one range of the sorted list."""

    postings: dict = field(default_factory=dict)
    sorted_words: list = field(default_factory=list)
    short: dict = field(default_factory=dict)  # {prefix of SHORT_PREFIX letters at most: ids}

    @classmethod
    def of(cls, rows) -> "Prefixes":
        """From (id, words) rows."""
        grouped = defaultdict(list)
        for key, words in rows:
            for word in set(words):
                grouped[word].append(key)
        postings = {word: BitMap(keys) for word, keys in grouped.items()}
        return cls(postings, sorted(postings))

    def with_added(self, rows) -> "Prefixes":
        """A copy with (id, words) rows added: the bitmaps touched are new ones, so a request
        reading the old index is undisturbed."""
        postings, new_words = dict(self.postings), False
        for key, words in rows:
            for word in set(words):
                if word in postings:
                    if key not in postings[word]:
                        postings[word] = postings[word] | BitMap([key])
                else:
                    postings[word], new_words = BitMap([key]), True
        return Prefixes(postings, sorted(postings) if new_words else self.sorted_words)

    def beginning(self, prefix: str) -> BitMap:
        """The ids with a word beginning with `prefix`; for a short prefix (many words), kept
        once computed, until the next change makes a new `Prefixes`."""
        found = self.short.get(prefix)
        if found is None:
            start = bisect_left(self.sorted_words, prefix)
            end = bisect_left(self.sorted_words, prefix + "\uffff", start)
            found = BitMap.union(
                BitMap(), *(self.postings[w] for w in self.sorted_words[start:end])
            )
            if len(prefix) <= SHORT_PREFIX:
                self.short[prefix] = found
        return found

    def matching(self, words: list[str]) -> BitMap:
        """The ids with a word beginning with each of `words`."""
        found = None
        for word in sorted(set(words), key=len, reverse=True):  # the longest is the rarest
            ids = self.beginning(word)
            found = ids if found is None else found & ids
            if not found:
                break
        return found if found is not None else BitMap()


@dataclass
class Names:
    """The words of names to suggest from: each word, and each name's first word, so that a
    name beginning with what is typed comes first (« lil »: Lille, then the Métropole
    européenne de Lille) without reading any name."""

    every: Prefixes = field(default_factory=Prefixes)
    first: Prefixes = field(default_factory=Prefixes)

    @classmethod
    def of(cls, rows) -> "Names":
        rows = list(rows)
        return cls(Prefixes.of(rows), Prefixes.of((key, words[:1]) for key, words in rows))

    def with_added(self, rows) -> "Names":
        rows = list(rows)
        first = self.first.with_added((key, words[:1]) for key, words in rows)
        return Names(self.every.with_added(rows), first)

    def matching(self, words: list[str], within: BitMap) -> tuple[BitMap, BitMap]:
        """The ids of `within` with a word beginning with each of `words`: those whose name
        begins with the first word, and the others."""
        if not words:
            return BitMap(), BitMap()
        found = self.every.matching(words) & within
        beginning = found & self.first.beginning(words[0])
        return beginning, found - beginning


@dataclass
class Place:
    """What a suggestion shows of a territory (the reference data, kept whole in memory)."""

    pk: int
    slug: str
    name: str
    level: str
    code: str
    departement: str  # the slug of its département, "" above one
    # Ranks of the places it counts for: itself, those above it, its intercommunalities.
    lifts: tuple = ()


class SuggestionIndex:
    """The names to suggest at one facet index's version; built by `build`, followed by
    `updated`."""

    def __init__(self):
        self.places: list[Place] = []  # by rank
        self.place_words = Names()
        self.departements: dict[str, Place] = {}  # by slug
        self.members: dict[int, list[int]] = {}  # intercommunality pk -> member communes' pks
        self.rank_of_place: dict[int, int] = {}
        # Published examples per place (pk -> BitMap), and each example's place (by id).
        self.located: dict[int, BitMap] = {}
        self.place_of = array("L")
        self.populated = BitMap()  # ranks of the places holding published examples
        self.example_words = Names()
        self.actor_pks = array("L")  # by rank
        self.rank_of_actor: dict[int, int] = {}
        self.actor_words = Names()
        self.public_actors = BitMap()  # ranks
        self.themes: list[dict] = []

    # --- building and following the change log ------------------------------------------

    @classmethod
    def build(cls, index) -> "SuggestionIndex":
        from .facets import raw_rows
        from .models import Actor, Partnership

        built = cls()
        built._read_places()
        built._read_themes()
        published = _published().values_list("pk", "title", "territory_id")
        rows = raw_rows(published)
        built._locate((pk, place) for pk, _title, place in rows)
        built.example_words = Names.of((pk, _title_words(title)) for pk, title, _ in rows)
        # Actors ranked by their number of published examples, then by name.
        counts = dict(
            raw_rows(
                Partnership.objects.filter(example__status=ExampleStatus.PUBLIE)
                .order_by()
                .values("actor")
                .annotate(n=_count())
                .values_list("actor", "n")
            )
        )
        actors = sorted(
            raw_rows(Actor.objects.order_by().values_list("pk", "folded_name")),
            key=lambda row: (-counts.get(row[0], 0), row[1], row[0]),
        )
        built.actor_pks = array("L", (pk for pk, _ in actors))
        built.rank_of_actor = {pk: rank for rank, (pk, _) in enumerate(actors)}
        built.actor_words = Names.of(
            (rank, _WORD.findall(folded)) for rank, (_, folded) in enumerate(actors)
        )
        built.public_actors = BitMap(
            built.rank_of_actor[pk] for pk in index.actors if pk in built.rank_of_actor
        )
        built._count_places(index)
        return built

    def updated(self, changed: BitMap, actors, index) -> "SuggestionIndex":
        """A new index with the examples `changed` and the `actors` read again (`index`: the
        facet index they belong to, already up to date)."""
        from .facets import raw_rows
        from .models import Actor

        fresh = SuggestionIndex()
        fresh.__dict__.update(self.__dict__)
        if changed:
            rows = raw_rows(
                _published().filter(pk__in=list(changed)).values_list("pk", "title", "territory_id")
            )
            fresh.located = dict(self.located)
            fresh.place_of = array("L", self.place_of)
            for pk in changed:  # out of the place they were in
                if pk < len(fresh.place_of) and (place := fresh.place_of[pk]):
                    fresh.located[place] = fresh.located[place] - BitMap([pk])
                    fresh.place_of[pk] = 0
            fresh._locate((pk, place) for pk, _title, place in rows)
            fresh.example_words = self.example_words.with_added(
                (pk, _title_words(title)) for pk, title, _ in rows
            )
        if actors:
            fresh.actor_pks = array("L", self.actor_pks)
            fresh.rank_of_actor = dict(self.rank_of_actor)
            named = raw_rows(
                Actor.objects.filter(pk__in=list(actors)).values_list("pk", "folded_name")
            )
            for pk, _ in named:
                if pk not in fresh.rank_of_actor:
                    fresh.rank_of_actor[pk] = len(fresh.actor_pks)
                    fresh.actor_pks.append(pk)
            fresh.actor_words = self.actor_words.with_added(
                (fresh.rank_of_actor[pk], _WORD.findall(folded)) for pk, folded in named
            )
            fresh.public_actors = BitMap(self.public_actors)
            for pk in actors:
                if (rank := fresh.rank_of_actor.get(pk)) is not None:
                    if pk in index.actors:
                        fresh.public_actors.add(rank)
                    else:
                        fresh.public_actors.discard(rank)
        fresh._count_places(index)
        return fresh

    def _read_places(self):
        """Every territory, ranked as the finder ranks them, with the words its stored
        `search_key` holds (`territoires.models.searchable_names`: folded once, when loaded)."""
        from .facets import raw_rows

        level_rank = {level: number for number, level in enumerate(LEVEL_RANK)}
        rows = raw_rows(
            Territory.objects.order_by().values_list(
                "pk", "slug", "name", "level", "code", "path", "population", "folded_name",
                "search_key",
            )
        )  # fmt: skip
        rows.sort(key=lambda r: (level_rank[r[3]], -(r[6] or 0), r[7], r[0]))
        self.rank_of_place = {row[0]: number for number, row in enumerate(rows)}
        groupings_of, members = defaultdict(list), defaultdict(list)
        for commune, grouping in raw_rows(
            Territory.member_of.through.objects.values_list("from_territory", "to_territory")
        ):
            groupings_of[commune].append(grouping)
            members[grouping].append(commune)
        self.members = dict(members)
        rank_by_slug = {row[1]: number for number, row in enumerate(rows)}
        for pk, slug, name, level, code, path, *_rest in rows:
            lifts = {rank_by_slug[s] for s in path_slugs(path) if s in rank_by_slug}
            lifts.update(self.rank_of_place[g] for g in groupings_of.get(pk, ()))
            self.places.append(
                Place(pk, slug, name, level, code, slug_at(path, "departement"), tuple(lifts))
            )
        self.departements = {
            p.slug: p for p in self.places if p.level == TerritoryLevel.DEPARTEMENT
        }
        # A département is also found by its number (« 59 », « 2a »).
        self.place_words = Names.of(
            (number, row[8].split() + ([row[4].lower()] if row[3] == "departement" else []))
            for number, row in enumerate(rows)
        )

    def _read_themes(self):
        """The facet values a visitor may mean: (facet, value, label, kind, words to match)."""
        from .models import Domain, Objective, PartnershipType

        odd, alliance = "Objectif de développement durable", "Objectif de « faire alliance »"
        themes = [("domaine", d.slug, d.name, "Domaine", d.name) for d in Domain.objects.all()]
        for objective in Objective.objects.order_by("family", "number"):
            number = str(objective.number)
            if objective.family == ObjectiveFamily.ODD:
                label = f"ODD {number} : {objective.short_name}"
                themes.append(("odd", number, label, odd, f"{label} {objective.name}"))
            else:
                words = f"{objective.name} faire alliance"
                themes.append(("objectif", number, objective.name, alliance, words))
        themes += [
            ("type_acteur", value, str(label), "Type d'acteur", str(label))
            for value, label in ActorType.choices
        ]
        themes += [
            ("type_partenariat", t.slug, t.name, "Type de partenariat", t.name)
            for t in PartnershipType.objects.all()
        ]
        self.themes = [
            {"facet": facet, "value": value, "label": label, "kind": kind, "words": words_of(text)}
            for facet, value, label, kind, text in themes
        ]

    def _locate(self, rows):
        grouped = defaultdict(list)
        for pk, place in rows:
            grouped[place].append(pk)
            if pk >= len(self.place_of):
                self.place_of.extend([0] * (pk + 1 - len(self.place_of)))
            self.place_of[pk] = place
        for place, pks in grouped.items():
            current = self.located.get(place)
            self.located[place] = BitMap(pks) if current is None else current | BitMap(pks)

    def _count_places(self, index):
        """The places (ranks) holding published examples, themselves or below them."""
        populated = BitMap()
        for pk, examples in self.located.items():
            if examples and (rank := self.rank_of_place.get(pk)) is not None:
                populated.add(rank)
                populated.update(self.places[rank].lifts)
        self.populated = populated

    # --- answering -----------------------------------------------------------------------

    def place_count(self, place: Place, index) -> int:
        """Published examples in or below a place: the list's own count for it."""
        if place.level in (TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT):
            return len(index.bitmaps[place.level].get(place.slug, BitMap()))
        if place.level == TerritoryLevel.PAYS:
            return len(index.all)
        pks = [place.pk, *self.members.get(place.pk, ())]
        located = BitMap.union(BitMap(), *(self.located[pk] for pk in pks if pk in self.located))
        return located.intersection_cardinality(index.all)

    def territories(self, text: str, index) -> list[dict]:
        words = search_words(text)
        ranks = _best(self.place_words.matching(words, self.populated), PER_GROUP)
        return [
            {
                "libelle": place.name,
                "precision": self._place_detail(place),
                "nombre": self.place_count(place, index),
                "url": _list_url(territoire=place.slug),
            }
            for place in (self.places[rank] for rank in ranks)
        ]

    def _place_detail(self, place: Place) -> str:
        """« Commune, Nord (59) », « Département (59) », « Région »."""
        level = TerritoryLevel(place.level).label
        if place.level == TerritoryLevel.DEPARTEMENT:
            return f"{level} ({place.code})"
        above = self.departements.get(place.departement)
        if place.level in (TerritoryLevel.EPCI, TerritoryLevel.COMMUNE) and above:
            short = "Intercommunalité" if place.level == TerritoryLevel.EPCI else level
            return f"{short}, {above.name} ({above.code})"
        return str(level)

    def themes_matching(self, text: str, index) -> list[dict]:
        words = words_of(text)
        found = [
            theme
            for theme in self.themes
            if all(any(w.startswith(word) for w in theme["words"]) for word in words)
        ]
        counted = [
            (theme, len(index.of(theme["facet"]).get(theme["value"], BitMap()))) for theme in found
        ]
        # Those whose name begins with the first word typed, then the most frequent.
        counted.sort(key=lambda item: (not _begins(item[0]["words"], words), -item[1]))
        return [
            {
                "libelle": theme["label"],
                "precision": theme["kind"],
                "nombre": count,
                "url": _list_url(**{theme["facet"]: theme["value"]}),
            }
            for theme, count in counted[:PER_GROUP]
        ]

    def actors(self, text: str) -> list[dict]:
        from .facets import raw_rows
        from .models import Actor

        words = words_of(text)
        ranks = _best(self.actor_words.matching(words, self.public_actors), 2 * PER_GROUP)
        pks = [self.actor_pks[rank] for rank in ranks]
        if not pks:
            return []
        rows = Actor.objects.filter(pk__in=pks).values_list(
            "pk", "name", "slug", "actor_type", "territory_id"
        )
        found = {row[0]: row for row in raw_rows(rows)}
        suggested = []
        for pk in pks:
            # A word the actor no longer has (renamed since the index read it) is not shown.
            if pk not in found or not _has(words_of(found[pk][1]), words):
                continue
            _pk, name, slug, actor_type, place = found[pk]
            town = self.places[self.rank_of_place[place]].name if place else ""
            suggested.append(
                {
                    "libelle": name,
                    "precision": ", ".join(filter(None, [str(ActorType(actor_type).label), town])),
                    "url": _page_url("catalogue:actor_detail", slug),
                }
            )
        return suggested[:PER_GROUP]

    def examples(self, text: str, index) -> list[dict]:
        from .facets import raw_rows

        words = [w for w in words_of(text) if w not in STOP_WORDS] or words_of(text)
        pks = _best(self.example_words.matching(words, index.all), 2 * PER_GROUP, newest=True)
        if not pks:
            return []
        rows = _published().filter(pk__in=pks).values_list("pk", "title", "slug", "territory_id")
        found = {row[0]: row for row in raw_rows(rows)}
        suggested = []
        for pk in pks:
            if pk not in found or not _has(words_of(found[pk][1]), words):
                continue  # renamed since the index read it
            _pk, title, slug, place = found[pk]
            where = self.places[self.rank_of_place[place]]
            suggested.append(
                {
                    "libelle": title,
                    "precision": str(
                        Territory(name=where.name, level=where.level, code=where.code)
                    ),
                    "url": _page_url("catalogue:example_detail", slug),
                }
            )
        return suggested[:PER_GROUP]


def suggest(text: str) -> list[dict]:
    """The groups of suggestions for `text` (at least MIN_LENGTH letters or digits), each
    {"groupe", "titre", "suggestions"}; the empty groups left out."""
    from . import facets

    if len(fold(text).replace(" ", "")) < MIN_LENGTH:
        return []
    index = facets.current_index()
    names = index.suggestions
    if names is None:
        names = _built(index)
    groups = [
        ("territoires", "Territoires", names.territories(text, index)),
        ("themes", "Thèmes", names.themes_matching(text, index)),
        ("acteurs", "Acteurs", names.actors(text)),
        ("exemples", "Exemples", names.examples(text, index)),
    ]
    return [
        {"groupe": name, "titre": title, "suggestions": found}
        for name, title, found in groups
        if found
    ]


def _built(index) -> "SuggestionIndex":
    """The suggestions of `index`, built here for a small catalogue; for a large one, in a
    thread (one at a time per process), and NotReady until then."""
    if len(index.all) <= BUILD_IN_REQUEST_UP_TO:
        index.suggestions = SuggestionIndex.build(index)
        return index.suggestions
    if _building["lock"].acquire(blocking=False):
        thread = threading.Thread(target=_build_apart, args=(index,), daemon=True)
        _building["thread"] = thread
        thread.start()
    raise NotReady


def _build_apart(index):
    from django.db import connections

    from core import replica

    try:
        with replica.primary_unless_replayed(index.number):
            index.suggestions = SuggestionIndex.build(index)
    finally:
        connections.close_all()  # this thread's own connections
        _building["lock"].release()


def _published():
    from .models import Example

    return Example.objects.filter(status=ExampleStatus.PUBLIE).order_by()


def _count():
    from django.db.models import Count

    return Count("pk")


def _title_words(title: str) -> list[str]:
    return [word for word in words_of(title) if word not in STOP_WORDS]


def _best(groups: tuple[BitMap, ...], count: int, *, newest: bool = False) -> list[int]:
    """The first `count` ids of the groups in turn, each in its order (ranks: the lowest
    first) or, `newest`, the highest ids first."""
    taken = []
    for ids in groups:
        positions = range(len(ids) - 1, -1, -1) if newest else range(len(ids))
        for position in positions:
            if len(taken) == count:
                return taken
            taken.append(ids[position])
    return taken


def _has(name_words: list[str], words: list[str]) -> bool:
    """Does each word typed begin a word of the name?"""
    return all(any(w.startswith(word) for w in name_words) for word in words)


def _begins(name_words: list[str], words: list[str]) -> bool:
    return bool(name_words and words and name_words[0].startswith(words[0]))


@lru_cache(maxsize=64)
def _reversed(name: str, language: str, *args) -> str:
    return reverse(name, args=args)


def _page_url(name: str, slug: str) -> str:
    """The page of a slug, without resolving the URL again for each suggestion."""
    return _reversed(name, get_language(), "_slug_").replace("_slug_", slug, 1)


def _list_url(**filters) -> str:
    return _reversed("catalogue:example_list", get_language()) + query_with(QueryDict(), **filters)
