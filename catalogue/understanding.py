"""Query understanding: the phrases of a search that name a territory, a domain, an ODD, an
alliance objective, an actor type or an actor, recognised before its words are matched.

A recognised phrase (`understand`, which ExampleFilterSet.understanding calls once) is
- offered as a filter, with the number of examples it gives (the list page's
  `includes/understood.html`, the API's `compris`);
- never "corrected" by the typo fallback (`search.plan_search(protected=…)`);
- for a territory, a ranking: the examples located in it or below it come first
  (`search.PLACE_SCORE`, in SQL and in memory alike).

Phrases are read from left to right, the longest first: « Saint-André-lez-Lille » is one
commune, not Lille; « Seine-Saint-Denis » a département, not the commune Saint-Denis. Names
are compared by their words as search reads them (`search.words`: `fold`ed, stop words
left out), so that case, accents, hyphens and apostrophes do not matter; territories also
read « st », « ste » as « saint », « sainte », and take a département's number (« 59 »), a
commune's INSEE code or an EPCI's SIREN; themes compare stems (« écoles » is « école »);
an actor is named by its whole name (`Actor.folded_name`). The territories' names are read
once per version of the reference data (`territory_names`).
"""

import re
import threading
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from french.text import fold
from territoires.models import ABBREVIATIONS, LEVEL_RANK, Territory, TerritoryLevel

from . import facets, search, selectors
from .choices import ActorType, ObjectiveFamily
from .facets import raw_rows
from .models import Actor
from .querystrings import query_with

# The longest phrase looked for, in words (an ODD's full title), and for an actor's name.
MAX_WORDS = 40
MAX_ACTOR_WORDS = 8
# A commune or an EPCI without examples is offered from this many inhabitants.
TOWN = 10_000
# An ambiguous name offers at most this many territories or actors.
MAX_CANDIDATES = 5
# Name words a query may write another way or leave out: « lès » (folded « les », a stop
# word) and « lez » in « Saint-André-lez-Lille ».
OPTIONAL_NAME_WORDS = frozenset({"lez"})
# Everyday words for each domain (by slug, fixtures/domains.json), besides its name: what
# people type for it. A domain missing here is recognised by its name alone.
DOMAIN_WORDS = {
    "education-et-jeunesse": "école collège lycée élève scolaire éducation jeunesse étudiant",
    "emploi-et-insertion": "emploi insertion chômage embauche",
    "sante": "santé soins hôpital",
    "solidarites": "solidarité pauvreté précarité",
    "environnement-et-transition-ecologique": "environnement biodiversité déchets",
    "alimentation": "alimentation alimentaire agriculture",
    "culture": "culture culturel patrimoine musée théâtre musique",
    "sport": "sport sportif",
    "habitat-et-cadre-de-vie": "habitat logement",
    "mobilite": "mobilité transport",
    "numerique": "numérique informatique",
    "developpement-economique-local": "commerce",
    "citoyennete-et-vie-associative": "citoyenneté bénévolat bénévole",
    "handicap": "handicap",
    "egalite-femmes-hommes": "parité",
}
# The list's parameter each kind of phrase filters on, and what its link says.
FILTER_WORDS = {
    "territoire": _("filtrer sur ce territoire"),
    "domaine": _("filtrer sur ce domaine"),
    "odd": _("filtrer sur cet ODD"),
    "objectif": _("filtrer sur cet objectif"),
    "type_partenariat": _("filtrer sur ce type de partenariat"),
    "type_acteur": _("filtrer sur ce type d'acteur"),
    "acteur": _("filtrer sur cet acteur"),
}
# A token of the query as search.parse reads it: a "phrase" (its closing quote optional), or
# any other run of non-spaces; "-" before either negates it.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# A word of a folded text, as search reads it.
_WORD = re.compile(r"[0-9a-z]+")


@dataclass
class Offer:
    """What a phrase may name, as a filter of the list: `kind` is the list's parameter
    (territoire, domaine, odd, objectif, type_partenariat, type_acteur, acteur) and `value`
    its value; `count` its published examples."""

    kind: str
    value: str
    label: str
    count: int
    url: str  # the thing's own page
    territory: Territory | None = None

    @property
    def filter_words(self) -> str:
        return str(FILTER_WORDS[self.kind])


@dataclass
class Phrase:
    """Words of the query that name something: as typed, where (characters `start` to `end`
    of the query), its words (never corrected) and the offers, best first (several: an
    ambiguous name). `found`: what its name matched, [(kind, the thing)]: themes, then
    territories (their ids), then actors."""

    typed: str
    start: int
    end: int
    words: tuple[str, ...]
    found: list
    offers: list[Offer] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return len(self.offers) > 1


@dataclass
class Understanding:
    """What a query names. `text` is the query to search: as typed, but « St-Malo » written
    « saint Malo » (the documents hold the full name)."""

    query: str
    text: str
    phrases: list[Phrase] = field(default_factory=list)

    @property
    def protected(self) -> frozenset[str]:
        """The words of the recognised phrases, never corrected."""
        return frozenset(word for phrase in self.phrases for word in phrase.words)

    @property
    def places(self) -> list[Territory]:
        """The territories named, whose examples rank first."""
        return [offer.territory for offer in self.offers if offer.territory is not None]

    @property
    def offers(self) -> list[Offer]:
        return [offer for phrase in self.phrases for offer in phrase.offers]

    def without(self, phrase: Phrase) -> str:
        """The query without this phrase: what is left to search once it is a filter."""
        return " ".join((self.query[: phrase.start] + self.query[phrase.end :]).split())


# --- Reading the query -------------------------------------------------------------------------


def understand(filterset) -> Understanding:
    """What the words a FilterSet searches name, with the number of published examples of
    each offer, from the facet index (read only for a query with words) and the reference
    lists the FilterSet loaded."""
    text = filterset.valid_data.get("q") or ""
    understanding = Understanding(query=text, text=text)
    if not text.strip():
        return understanding
    index = facets.current_index()
    domains, objectives = filterset.domains, filterset.objectives
    partnership_types = filterset.partnership_types
    themes = theme_names(domains, objectives, partnership_types)
    territories = territory_names(index)
    segments = _segments(text)
    actors = _actors_named(segments)
    for segment in segments:
        start = 0
        while start < len(segment):
            phrase, length = _longest_phrase(text, segment, start, themes, territories, actors)
            if phrase is not None:
                understanding.phrases.append(phrase)
            start += length
    _count(understanding, index)
    understanding.text = _written_out(understanding)
    return understanding


def _segments(text: str) -> list[list[tuple[str, int, int]]]:
    """Runs of words that a phrase may span, each word (folded, start, end): what is
    negated, an `OR` and a quote end a run."""
    segments, current = [], []

    def close():
        nonlocal current
        if current:
            segments.append(current)
        current = []

    for match in _TOKEN.finditer(text):
        sign, quoted, bare = match.groups()
        if bare == "OR" or sign or (bare and bare.startswith("-") and len(bare) > 1):
            close()
            continue
        if quoted is not None:
            close()
            offset = match.start(2)
            current = [(fold(w.group()), offset + w.start(), offset + w.end())
                       for w in re.finditer(r"\S+", quoted)]  # fmt: skip
            close()
            continue
        current.append((fold(bare), match.start(), match.end()))
    close()
    return segments


def _longest_phrase(text, segment, start, themes, territories, actors) -> tuple[Phrase | None, int]:
    """The longest phrase beginning with the word at `start` and how many words it spans
    (what it names: themes, territories and actors of that name), or (None, 1)."""
    for end in range(min(len(segment), start + MAX_WORDS), start, -1):
        tokens = segment[start:end]
        span = " ".join(token for token, _start, _end in tokens)
        names = search.words(span)
        if not names:
            continue
        found = []
        # A theme or a place begins and ends with a word that means something; an actor's
        # name may begin with an article (« La Boussole »).
        if search.words(tokens[0][0]) and search.words(tokens[-1][0]):
            found += themes.get(tuple(search.stem(word) for word in names), [])
            if not found:  # « école » is the domain, not the commune École (Savoie)
                found += [("territoire", pk) for pk in territories.get(place_key(span), [])]
        found += [("acteur", actor) for actor in actors.get(span, [])]
        if found:
            words = set(names) | set(place_key(span))  # « st » and « saint »
            typed = text[tokens[0][1] : tokens[-1][2]]
            return Phrase(typed, tokens[0][1], tokens[-1][2], tuple(sorted(words)), found), len(
                tokens
            )
    return None, 1


def place_key(text: str) -> tuple[str, ...]:
    """A territory's name, or a query's words, as they are compared: search's words, « st »
    read « saint », the optional « lez » left out."""
    return _place_key(fold(text))


def _place_key(folded: str) -> tuple[str, ...]:
    """`place_key` of a text already folded (`Territory.folded_name`)."""
    words = (ABBREVIATIONS.get(word, word) for word in _WORD.findall(folded))
    return tuple(w for w in words if w not in search.STOP_WORDS and w not in OPTIONAL_NAME_WORDS)


def theme_names(
    domains, objectives, partnership_types
) -> dict[tuple[str, ...], list[tuple[str, object]]]:
    """{stems of a name: [(kind, the thing)]} for the domains (their name and their everyday
    words), the ODD (« ODD 4 », « odd4 », their short and full titles), the alliance
    objectives, the partnership types and the actor types (their label and their value)."""
    names = {}

    def add(text, kind, thing):
        key = tuple(search.terms(text))
        if key and (kind, thing) not in names.setdefault(key, []):
            names[key].append((kind, thing))

    for domain in domains:
        add(domain.name, "domaine", domain)
        for word in DOMAIN_WORDS.get(domain.slug, "").split():
            add(word, "domaine", domain)
    for objective in objectives:
        if objective.family == ObjectiveFamily.ODD:
            for text in (f"ODD {objective.number}", f"odd{objective.number}"):
                add(text, "odd", objective)
            kind = "odd"
        else:
            kind = "objectif"
        add(objective.short_name, kind, objective)
        add(objective.name, kind, objective)
    for partnership_type in partnership_types:
        add(partnership_type.name, "type_partenariat", partnership_type)
    for value, label in ActorType.choices:
        add(str(label), "type_acteur", value)
        add(value, "type_acteur", value)
    return names


_territories = {"reference": None, "names": {}}
_territories_lock = threading.Lock()


def territory_names(index) -> dict[tuple[str, ...], list[int]]:
    """{name words or code: [territory ids]} for every région, département, EPCI and commune,
    read once for each version of the reference data. Territories change only with a whole
    build of the facet index (`load_reference_data` rebuilds), which alone renews its reference
    values (`FacetIndex.values`): they are the key."""
    with _territories_lock:
        if _territories["reference"] is not index.values:
            _territories["names"] = _read_territory_names()
            _territories["reference"] = index.values
        return _territories["names"]


def _read_territory_names() -> dict[tuple[str, ...], list[int]]:
    names = {}
    rows = Territory.objects.exclude(level=TerritoryLevel.PAYS).order_by("pk")
    for pk, level, code, folded in raw_rows(rows.values_list("pk", "level", "code", "folded_name")):
        names.setdefault(_place_key(folded), []).append(pk)
        if level != TerritoryLevel.REGION:  # a région's number is its département's
            names.setdefault((code.lower(),), []).append(pk)
    return names


def _actors_named(segments) -> dict[str, list[Actor]]:
    """{folded name: [public actors]} for the runs of words of `segments` that are the whole
    name of an actor of a published example, most examples first: one query."""
    spans = set()
    for segment in segments:
        tokens = [token for token, _start, _end in segment]
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + MAX_ACTOR_WORDS) + 1):
                spans.add(" ".join(tokens[start:end]))
    named = {}
    if not spans:
        return named
    actors = Actor.objects.with_published_examples().filter(folded_name__in=spans)
    for actor in actors.select_related("territory").order_by("-example_count", "pk"):
        named.setdefault(actor.folded_name, []).append(actor)
    return named


# --- Counting ------------------------------------------------------------------------------------


def _count(understanding: Understanding, index) -> None:
    """Each phrase's offers, with their number of published examples: from the facet index,
    and one query for the communes and EPCI of every phrase (`selectors.territory_counts`)."""
    found = [(kind, thing) for phrase in understanding.phrases for kind, thing in phrase.found]
    named = [pk for kind, pk in found if kind == "territoire"]
    places = Territory.objects.in_bulk(named) if named else {}
    counts = selectors.territory_counts(places.values(), index)
    for phrase in understanding.phrases:
        territories = [places[pk] for kind, pk in phrase.found if kind == "territoire"]
        actors = [actor for kind, actor in phrase.found if kind == "acteur"]
        phrase.offers = [
            *(_theme_offer(kind, thing, index) for kind, thing in phrase.found
              if kind not in ("territoire", "acteur")),
            *_place_offers(territories, counts),
            *(Offer("acteur", actor.slug, _actor_label(actor), actor.example_count,
                    actor.get_absolute_url())
              for actor in actors[:MAX_CANDIDATES]),
        ]  # fmt: skip


def _place_offers(territories, counts) -> list[Offer]:
    """The territories of one name, largest level first, then those with the most examples,
    then the most populous; without those inside another of them (Paris the commune, in
    Paris the département) and, below the département, without the small ones that have no
    example (the communes « Jardin », « Port » or « Bretagne » are rarely what a search
    means; Lille is, examples or not)."""

    def inside_another(territory):
        return any(o is not territory and territory.path.startswith(o.path) for o in territories)

    kept = [
        t
        for t in territories
        if not inside_another(t)
        and (t.level in facets.PLACES or counts[t.pk] or (t.population or 0) >= TOWN)
    ]
    kept.sort(key=lambda t: (LEVEL_RANK.index(t.level), -counts[t.pk], -(t.population or 0), t.pk))
    return [
        Offer("territoire", t.slug, str(t), counts[t.pk], t.get_absolute_url(), territory=t)
        for t in kept[:MAX_CANDIDATES]
    ]


def _theme_offer(kind, thing, index) -> Offer:
    if kind == "type_acteur":
        label = str(ActorType(thing).label)
        return Offer(kind, thing, label, len(index.bitmaps[kind].get(thing, ())), "")
    value = thing.slug if kind in ("domaine", "type_partenariat") else str(thing.number)
    url = thing.get_absolute_url() if kind in ("domaine", "odd") else ""
    return Offer(kind, value, str(thing), len(index.bitmaps[kind].get(value, ())), url)


def _actor_label(actor) -> str:
    return f"{actor.name} ({actor.territory.name})" if actor.territory else actor.name


def _written_out(understanding: Understanding) -> str:
    """The query with the abbreviations of the places it names written out (« St-Malo »
    searched as « saint Malo »): the documents hold the full names."""
    text, shift = understanding.query, 0
    for phrase in understanding.phrases:
        if not any(kind == "territoire" for kind, _thing in phrase.found):
            continue
        written = phrase.typed
        for short, full in ABBREVIATIONS.items():
            written = re.sub(rf"(?i)(?<![0-9a-z]){short}(?![0-9a-z])", full, written)
        if written != phrase.typed:
            start, end = phrase.start + shift, phrase.end + shift
            text = text[:start] + written + text[end:]
            shift += len(written) - len(phrase.typed)
    return text


# --- Offering ------------------------------------------------------------------------------------


def offered(understanding: Understanding, params) -> list[dict]:
    """The phrases with their offers and, for each, the list's query string that filters on
    it instead of searching its words (the other parameters kept)."""
    return [
        {
            "phrase": phrase,
            "offers": [
                {
                    "offer": offer,
                    "filter_query": query_with(
                        params,
                        q=understanding.without(phrase) or None,
                        **{offer.kind: offer.value},
                    ),
                }
                for offer in phrase.offers
            ],
        }
        for phrase in understanding.phrases
        if phrase.offers
    ]
