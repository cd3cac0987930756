"""Search: the one module that knows how examples are found by their words.

One author for the document and the query, on both databases: Python folds every word
(`text.fold`) and stems it with the Snowball French stemmer, so that "école", "écoles" and
"ecole" meet as `ecol` while "écologique" stays `ecolog`. The stemmed words are stored
weighted — title (A) > summary (B) > partners, places, domains, partnership types,
objectives and actor types (C) > description (D) —
- on PostgreSQL as a GIN-indexed `tsvector` in the `simple` configuration (the words are
  already stemmed), matched with `@@`;
- on SQLite in an FTS5 table (`catalogue_example_fts`, one column per weight), matched
  with MATCH.
Ranking is the same on both: each word scores by the best part it is found in.
Every query word must match (`-mot` excludes a word, `a OR b` accepts either). A word that
matches no published example — or far fewer than a close spelling would — is corrected to
the closest word of the vocabulary (`SearchWord`) within one or two edits, and the page
says so.
"""

import functools
import re
import threading
from dataclasses import dataclass, field

import Stemmer
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, Count, FloatField, Max, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import versions
from .choices import ActorType, ObjectiveFamily
from .text import fold

INDEX_BATCH_SIZE = 2000
FTS_TABLE = "catalogue_example_fts"
# The four parts of the document, best first, with what a word found there scores.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# A word is corrected when it matches at most this many published examples and a close
# spelling matches many times more.
RARE_MATCHES = 2
CORRECTION_RATIO = 20
# French words too common to mean anything in a search.
_STOP_WORDS = (
    "a ai au aux avec c ce ces cet cette d dans de des du elle en et est il ils je l la "
    "le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ou par pas "
    "pour qu que qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[0-9a-z]+")
_stemmers = threading.local()


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball French stem of a folded word (PyStemmer objects are not thread-safe)."""
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = Stemmer.Stemmer("french")
    return stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """The folded words of a text that carry meaning, in order."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def terms(text: str) -> list[str]:
    """What is indexed for a text: its meaningful words, stemmed."""
    return [stem(w) for w in words(text)]


# --- The query ---------------------------------------------------------------------------------


@dataclass
class Clause:
    """One query word (or several joined by OR): an example must match one of `stems`."""

    typed: list[str]
    stems: list[str]
    negated: bool = False


@dataclass
class SearchPlan:
    """A parsed query and the corrections applied to it."""

    clauses: list[Clause] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self):
        return any(not clause.negated for clause in self.clauses)

    @property
    def highlighted_stems(self) -> set[str]:
        return {s for c in self.clauses if not c.negated for s in c.stems}

    def postgres_query(self) -> str:
        parts = []
        for clause in self.clauses:
            alternatives = " | ".join(f"'{s}'" for s in clause.stems)
            parts.append(f"!({alternatives})" if clause.negated else f"({alternatives})")
        return " & ".join(parts)

    def sqlite_query(self) -> str:
        positive = [c for c in self.clauses if not c.negated]
        negative = [c for c in self.clauses if c.negated]

        def group(clause):
            return "(" + " OR ".join(f'"{s}"' for s in clause.stems) + ")"

        query = " AND ".join(group(c) for c in positive)
        for clause in negative:
            query += f" NOT {group(clause)}"
        return query


def parse(text: str) -> SearchPlan:
    """`text` as clauses: every word must match, `-mot` must not, `a OR b` either."""
    plan = SearchPlan()
    pending_or = False
    for token in (text or "").split():
        if token == "OR":
            pending_or = bool(plan.clauses) and not plan.clauses[-1].negated
            continue
        negated = token.startswith("-") and len(token) > 1
        found = words(token[1:] if negated else token)
        if not found:
            continue
        # "ODD 4" is also one word of the document: odd4.
        if found[0].isdigit() and plan.clauses and plan.clauses[-1].typed == ["odd"]:
            plan.clauses[-1] = Clause(["odd", found[0]], [f"odd{found[0]}"])
            found = found[1:]
        for position, word in enumerate(found):
            clause = Clause([word], [stem(word)], negated)
            if pending_or and position == 0:
                plan.clauses[-1].typed.append(word)
                plan.clauses[-1].stems.append(clause.stems[0])
            else:
                plan.clauses.append(clause)
        pending_or = False
    return plan


def plan_search(text: str, published) -> SearchPlan:
    """Parse `text` and correct the words that `published` examples do not contain."""
    plan = parse(text)
    for clause in plan.clauses:
        if clause.negated or len(clause.typed) != 1:
            continue
        word = clause.typed[0]
        if len(word) < 4 or not word.isalpha():
            continue
        found = _count(published, [clause.stems[0]], limit=RARE_MATCHES + 1)
        if found > RARE_MATCHES:
            continue
        correction = _closest_word(word, published, at_least=found * CORRECTION_RATIO or 1)
        if correction is None:
            continue
        stemmed = stem(correction)
        # A word that some examples contain keeps them: it gains its correction.
        clause.stems = [clause.stems[0], stemmed] if found else [stemmed]
        plan.corrections.append((word, correction))
    return plan


def _count(published, stems, *, limit) -> int:
    plan = SearchPlan([Clause(list(stems), list(stems))])
    return published.filter(match_condition(plan)).order_by().values("pk")[:limit].count()


def _closest_word(word: str, published, *, at_least: int) -> str | None:
    """The vocabulary word closest to `word` (one edit, two from eight letters) that enough
    published examples contain; the most frequent of equally close ones."""
    max_edits = 1 if len(word) < 8 else 2
    candidates = process.extract(
        word, vocabulary(), scorer=OSA.distance, score_cutoff=max_edits, limit=8
    )
    best = None
    for candidate, edits, _ in candidates:
        if stem(candidate) == stem(word):
            continue
        matches = _count(published, [stem(candidate)], limit=10_000)
        if matches < at_least:
            continue
        key = (edits, -matches, candidate)
        if best is None or key < best[0]:
            best = (key, candidate)
    return best[1] if best else None


_vocabulary = {"key": None, "words": []}
_vocabulary_lock = threading.Lock()


def vocabulary() -> list[str]:
    """Every word of the indexed documents, read again when words were added."""
    from .models import SearchWord

    key = tuple(SearchWord.objects.order_by().aggregate(n=Count("pk"), last=Max("pk")).values())
    with _vocabulary_lock:
        if _vocabulary["key"] != key:
            _vocabulary["words"] = list(SearchWord.objects.values_list("word", flat=True))
            _vocabulary["key"] = key
        return _vocabulary["words"]


# --- Finding and ranking -------------------------------------------------------------------


def match_condition(plan: SearchPlan) -> Q:
    """The condition on examples that a plan applies (empty when it has no positive word)."""
    if not plan:
        return Q()
    if uses_postgres():
        query = SearchQuery(plan.postgres_query(), search_type="raw", config="simple")
        return Q(search_vector=query)
    matches = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (plan.sqlite_query(),)
    )
    return Q(pk__in=matches)


def filter_examples(queryset, text: str):
    """Examples of `queryset` that match `text` as typed (no correction)."""
    return queryset.filter(match_condition(parse(text)))


def relevance(plan: SearchPlan):
    """How well an example matches: each query word scores by the best part of the document
    it is found in (title 1, summary 0.4, the rest 0.2, description 0.1); the same on both
    databases."""
    total = Value(0.0)
    for clause in plan.clauses:
        if clause.negated:
            continue
        scores = [
            When(_match_in_part(clause, weight), then=Value(score))
            for weight, score in WEIGHTS.items()
            if weight != "D"
        ]
        total += Case(*scores, default=Value(WEIGHTS["D"]), output_field=FloatField())
    return total


def order_by_relevance(queryset, plan: SearchPlan):
    """Best matches first, then newest."""
    if not plan:
        return queryset
    ranked = queryset.annotate(relevance=relevance(plan))
    return ranked.order_by("-relevance", "-start_year", "-pk")


def _match_in_part(clause: Clause, weight: str) -> Q:
    if uses_postgres():
        query = " | ".join(f"'{s}':{weight}" for s in clause.stems)
        return Q(search_vector=SearchQuery(query, search_type="raw", config="simple"))
    column = weight.lower()
    alternatives = " OR ".join(f'"{s}"' for s in clause.stems)
    matches = RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
        (f"{column} : ({alternatives})",),
    )
    return Q(pk__in=matches)


def highlight(text: str, query: str) -> str:
    """`text` escaped, with the words that match the query wrapped in <mark>."""
    text = text or ""
    stems = parse(query or "").highlighted_stems
    if not stems:
        return escape(text)
    pieces, last = [], 0
    for match in re.finditer(r"\w+", text):
        folded = fold(match.group())
        if folded not in STOP_WORDS and stem(folded) in stems:
            pieces.append(escape(text[last : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


# --- The document ------------------------------------------------------------------------


class DocumentSources:
    """What documents are made of, read as plain values (no model instances: indexing
    100,000 examples stays a matter of minutes). Reference lists are read once."""

    def __init__(self):
        from territoires.models import Territory, TerritoryLevel

        from .models import Domain, Objective, PartnershipType

        levels = [TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
        self.places = dict(Territory.objects.filter(level__in=levels).values_list("slug", "name"))
        self.domains = dict(Domain.objects.values_list("pk", "name"))
        self.kinds = dict(PartnershipType.objects.values_list("pk", "name"))
        self.objectives = {}
        for pk, family, number, name, short_name in Objective.objects.values_list(
            "pk", "family", "number", "name", "short_name"
        ):
            odd = f"ODD {number} odd{number} " if family == ObjectiveFamily.ODD else ""
            self.objectives[pk] = f"{odd}{name} {short_name}"
        self.actor_types = {value: str(label) for value, label in ActorType.choices}

    def documents(self, ids) -> dict[int, dict[str, str]]:
        """{example id: {part: text}} for these examples."""
        from territoires.models import Territory

        from .models import Example, Partnership

        context = {pk: [] for pk in ids}
        examples = Example.objects.filter(pk__in=ids).order_by()
        rows = list(examples.values_list("pk", "title", "summary", "description", "territory"))
        territories = Territory.objects.filter(pk__in={row[4] for row in rows})
        places = {
            pk: (name, path) for pk, name, path in territories.values_list("pk", "name", "path")
        }
        partners = Partnership.objects.filter(example__in=ids).order_by("example", "position", "pk")
        for example_id, name, actor_type in partners.values_list(
            "example", "actor__name", "actor__actor_type"
        ):
            context[example_id] += [name, self.actor_types.get(actor_type, "")]
        for relation, names, column in (
            ("domains", self.domains, "domain"),
            ("partnership_types", self.kinds, "partnershiptype"),
            ("objectives", self.objectives, "objective"),
        ):
            links = getattr(Example, relation).through.objects.filter(example__in=ids)
            for example_id, value_id in links.values_list("example", column):
                context[example_id].append(names[value_id])
        result = {}
        for pk, title, summary, description, territory_id in rows:
            name, path = places[territory_id]
            # Its région and département, not its EPCI: "lille" is not every commune of the
            # Métropole Européenne de Lille.
            above = [
                self.places[slug]
                for slug in path.strip("/").split("/")[1:-1]
                if slug in self.places
            ]
            parts = [name, *above, *context[pk]]
            result[pk] = {"A": title, "B": summary, "C": " ".join(parts), "D": description}
        return result


# --- Keeping the index current ---------------------------------------------------------------


def update_search_index(example_ids=None):
    """Recompute the indexed document of these examples (all of them when None)."""
    from .models import Example

    if example_ids is None:
        ids = list(Example.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(example_ids))
    if not ids:
        return
    versions.bump()  # bulk writers reach the other caches through here
    sources = DocumentSources()
    for start in range(0, len(ids), INDEX_BATCH_SIZE):
        batch = ids[start : start + INDEX_BATCH_SIZE]
        _write(batch, sources.documents(batch))


def _write(batch, texts):
    from .models import SearchWord

    stemmed = {}
    seen = set()
    for pk, parts in texts.items():
        stemmed[pk] = {}
        for weight, text in parts.items():
            found = words(text)
            seen.update(w for w in found if len(w) >= 4 and w.isalpha())
            stemmed[pk][weight] = " ".join(stem(w) for w in found)
    with connection.cursor() as cursor:
        if uses_postgres():
            cursor.execute(
                """
                UPDATE catalogue_example AS e SET search_vector =
                  setweight(to_tsvector('simple', d.a), 'A') ||
                  setweight(to_tsvector('simple', d.b), 'B') ||
                  setweight(to_tsvector('simple', d.c), 'C') ||
                  setweight(to_tsvector('simple', d.d), 'D')
                FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[])
                  AS d(id, a, b, c, d)
                WHERE e.id = d.id
                """,
                [list(stemmed), *([s[w] for s in stemmed.values()] for w in "ABCD")],
            )
        else:
            placeholders = ", ".join("%s" for _ in batch)
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", batch)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, a, b, c, d) VALUES (%s, %s, %s, %s, %s)",
                [(pk, s["A"], s["B"], s["C"], s["D"]) for pk, s in stemmed.items()],
            )
    new_words = seen - set(SearchWord.objects.filter(word__in=seen).values_list("word", flat=True))
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in sorted(new_words)], ignore_conflicts=True, batch_size=2000
    )


def forget(example_ids):
    """Drop deleted examples from the SQLite index (PostgreSQL's lives in the row)."""
    if uses_postgres() or not example_ids:
        return
    placeholders = ", ".join("%s" for _ in example_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", example_ids)


# --- Signals: the relations that feed the document -------------------------------------------


def _example_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_index([instance.pk])


def _example_deleted(sender, instance, **kwargs):
    forget([instance.pk])


def _partnership_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.example_id:
        update_search_index([instance.example_id])


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """example.domains.set(…) or domain.examples.add(…): those examples' documents change."""
    if action == "pre_clear" and reverse:
        # After the clear, nothing says which examples lost this value: note them now.
        instance._search_cleared = list(
            sender.objects.filter(**{_reverse_field(sender, instance): instance.pk}).values_list(
                "example_id", flat=True
            )
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        update_search_index([instance.pk])
    elif action == "post_clear":
        update_search_index(getattr(instance, "_search_cleared", []))
    else:
        update_search_index(pk_set or [])


def _reverse_field(through, instance):
    for field_ in through._meta.get_fields():
        if getattr(field_, "related_model", None) is type(instance):
            return f"{field_.name}_id"
    raise LookupError(through)


def _named_thing_saved(sender, instance, created=False, raw=False, **kwargs):
    """An actor, domain, objective, partnership type or territory renamed: its examples'
    documents change."""
    if raw or created:
        return
    from territoires.models import Territory

    from .models import Actor, Example

    if isinstance(instance, Actor):
        examples = Example.objects.filter(partnerships__actor=instance)
    elif isinstance(instance, Territory):
        examples = Example.objects.filter(territory__in=instance.descendants())
    else:
        examples = instance.examples.all()
    update_search_index(examples.values_list("pk", flat=True))


def connect_signals():
    from territoires.models import Territory

    from .models import (
        Actor,
        Domain,
        Example,
        Objective,
        Partnership,
        PartnershipType,
        connect_to_example_lists,
    )

    post_save.connect(_example_saved, sender=Example, dispatch_uid="search-example")
    post_delete.connect(_example_deleted, sender=Example, dispatch_uid="search-forget")
    post_save.connect(_partnership_changed, sender=Partnership, dispatch_uid="search-partner")
    post_delete.connect(_partnership_changed, sender=Partnership, dispatch_uid="search-unpartner")
    connect_to_example_lists(_relation_changed, prefix="search")
    for model in (Actor, Domain, Objective, PartnershipType, Territory):
        post_save.connect(_named_thing_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
