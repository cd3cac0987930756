"""Suggestions as a visitor types in a search box: territories, themes, actors and example
titles whose words begin with what was typed (`/exemples/suggestions/?q=lil`).

Each worker keeps, beside its facet index (`FacetIndex.suggestions`, built when first asked,
never in a snapshot), one bitmap per folded word of each kind of name: territories and
actors by rank (best first: a bitmap iterates in that order), examples by id (the newest
first). A prefix is a range of the sorted words, the union of their bitmaps; the words
typed intersect. Counts come from the facet index (régions, départements, themes) and from
a bitmap of published examples per place (communes, intercommunalities), so a request
reads nothing from the database but the public version and, for the few examples and
actors shown, their names (one query each).

The index follows the facet index through the change log (`updated`): the changed examples'
titles and places and the changed actors' names are read again; a word an example or an
actor no longer has stays in its bitmap until the next whole build, and the names read for
the answer are checked against the words typed, so a stale word is never shown.
"""

import re
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse
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

# At most this many suggestions in each group, and the shortest prefix answered.
PER_GROUP = 5
MIN_LENGTH = 2
MAX_LENGTH = 100
# Candidates read in rank order before those whose name begins with the words come first.
CANDIDATES = 40
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
        start = bisect_left(self.sorted_words, prefix)
        end = bisect_left(self.sorted_words, prefix + "\uffff", start)
        return BitMap.union(BitMap(), *(self.postings[w] for w in self.sorted_words[start:end]))

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
        self.place_words = Prefixes()
        self.departements: dict[str, Place] = {}  # by slug
        self.members: dict[int, list[int]] = {}  # intercommunality pk -> member communes' pks
        self.rank_of_place: dict[int, int] = {}
        # Published examples per place (pk -> BitMap), and each example's place (by id).
        self.located: dict[int, BitMap] = {}
        self.place_of = array("L")
        self.populated = BitMap()  # ranks of the places holding published examples
        self.example_words = Prefixes()
        self.actor_pks = array("L")  # by rank
        self.rank_of_actor: dict[int, int] = {}
        self.actor_words = Prefixes()
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
        built.example_words = Prefixes.of((pk, _title_words(title)) for pk, title, _ in rows)
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
        built.actor_words = Prefixes.of(
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
        rank = {level: number for number, level in enumerate(LEVEL_RANK)}
        rows = Territory.objects.order_by().values_list(
            "pk", "slug", "name", "level", "code", "path", "population"
        )
        rows = sorted(rows, key=lambda r: (rank[r[3]], -(r[6] or 0), fold(r[2]), r[0]))
        self.rank_of_place = {row[0]: number for number, row in enumerate(rows)}
        memberships = Territory.member_of.through.objects.values_list(
            "from_territory", "to_territory"
        )
        groupings_of = defaultdict(list)
        members = defaultdict(list)
        for commune, grouping in memberships:
            groupings_of[commune].append(grouping)
            members[grouping].append(commune)
        self.members = dict(members)
        by_slug = {row[1]: row[0] for row in rows}
        for pk, slug, name, level, code, path, _population in rows:
            above = [by_slug[s] for s in path_slugs(path) if s in by_slug]
            lifts = {self.rank_of_place[p] for p in [*above, *groupings_of.get(pk, ())]}
            self.places.append(
                Place(pk, slug, name, level, code, slug_at(path, "departement"), tuple(lifts))
            )
        self.departements = {
            p.slug: p for p in self.places if p.level == TerritoryLevel.DEPARTEMENT
        }
        self.place_words = Prefixes.of(
            (number, search_words(place.name)) for number, place in enumerate(self.places)
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
        return len(
            BitMap.union(BitMap(), *(self.located.get(pk, BitMap()) for pk in pks)) & index.all
        )

    def territories(self, text: str, index) -> list[dict]:
        words = search_words(text)
        ranks = self.place_words.matching(words) & self.populated
        places = _first_beginning(
            [self.places[r] for r in _first(ranks)], words, lambda p: search_words(p.name)
        )
        return [
            {
                "libelle": place.name,
                "precision": self._place_detail(place),
                "nombre": self.place_count(place, index),
                "url": _list_url(territoire=place.slug),
            }
            for place in places
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
        from .models import Actor

        words = words_of(text)
        ranks = self.actor_words.matching(words) & self.public_actors
        pks = [self.actor_pks[rank] for rank in _first(ranks)]
        found = Actor.objects.select_related("territory").in_bulk(pks)
        # A word the actor no longer has (renamed since the index read it) is not shown.
        actors = [found[pk] for pk in pks if pk in found and _has(words_of(found[pk].name), words)]
        actors = _first_beginning(actors, words, lambda actor: words_of(actor.name))
        return [
            {
                "libelle": actor.name,
                "precision": ", ".join(
                    [actor.get_actor_type_display()]
                    + ([actor.territory.name] if actor.territory else [])
                ),
                "url": actor.get_absolute_url(),
            }
            for actor in actors
        ]

    def examples(self, text: str, index) -> list[dict]:
        from .models import Example

        words = [w for w in words_of(text) if w not in STOP_WORDS] or words_of(text)
        ids = self.example_words.matching(words) & index.all
        newest = [ids[i] for i in range(len(ids) - 1, max(-1, len(ids) - 1 - CANDIDATES), -1)]
        found = (
            Example.objects.published()
            .select_related("territory")
            .only("pk", "title", "slug", "territory__name", "territory__level", "territory__code")
            .in_bulk(newest)
        )
        examples = [
            found[pk] for pk in newest if pk in found and _has(words_of(found[pk].title), words)
        ]
        examples = _first_beginning(examples, words, lambda example: words_of(example.title))
        return [
            {
                "libelle": example.title,
                "precision": str(example.territory),
                "url": example.get_absolute_url(),
            }
            for example in examples
        ]


def suggest(text: str) -> list[dict]:
    """The groups of suggestions for `text` (at least MIN_LENGTH letters or digits), each
    {"groupe", "titre", "suggestions"}; the empty groups left out."""
    from . import facets

    if len(fold(text).replace(" ", "")) < MIN_LENGTH:
        return []
    index = facets.current_index()
    names = index.suggestions
    if names is None:
        names = index.suggestions = SuggestionIndex.build(index)
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


def _published():
    from .models import Example

    return Example.objects.filter(status=ExampleStatus.PUBLIE).order_by()


def _count():
    from django.db.models import Count

    return Count("pk")


def _title_words(title: str) -> list[str]:
    return [word for word in words_of(title) if word not in STOP_WORDS]


def _first(bitmap: BitMap) -> list[int]:
    """The first CANDIDATES ids of a bitmap (the best ranks)."""
    return [bitmap[i] for i in range(min(CANDIDATES, len(bitmap)))]


def _has(name_words: list[str], words: list[str]) -> bool:
    """Does each word typed begin a word of the name?"""
    return all(any(w.startswith(word) for w in name_words) for word in words)


def _begins(name_words: list[str], words: list[str]) -> bool:
    return bool(name_words and words and name_words[0].startswith(words[0]))


def _first_beginning(items, words, words_for) -> list:
    """The first PER_GROUP of `items` (in rank order), those whose name begins with the first
    word typed first: « lil » gives Lille before the Métropole européenne de Lille."""
    ranked = sorted(items, key=lambda item: not _begins(words_for(item), words))
    return ranked[:PER_GROUP]


def _list_url(**filters) -> str:
    return reverse("catalogue:example_list") + query_with(QueryDict(), **filters)
