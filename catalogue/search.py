"""Search: the one module that knows how examples are found by their words.

PostgreSQL: a stored `search_vector` in the `french_unaccent` configuration (French stemming
after unaccent), weighted title (A) > summary (B) > partners, territory and domains (C) >
description (D), GIN-indexed, queried with `websearch` syntax and ranked; trigram word
similarity on the folded title and partner names (`search_names`) forgives typos.
SQLite: the same document folded to lower-case ASCII (`search_text`), every word of the
query matched after a light French plural stemming, and close words of the title and
partner names standing in for a word with a typo.
"""

import difflib
import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .postgres import TEXT_SEARCH_CONFIG
from .text import fold

# Word similarity (0–1) from which a title or partner word counts as a typo of a query word
# (pg_trgm's default, 0.6, misses a swapped pair of letters in a short word: "jardnis").
TYPO_SIMILARITY = 0.45
SQLITE_TYPO_CUTOFF = 0.75
INDEX_BATCH_SIZE = 2000
STOP_WORDS = frozenset(
    {"a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l"}
    | {"la", "le", "les", "leur", "par", "pour", "sur", "un", "une"}
)
_WORD = re.compile(r"[0-9a-z]+")

# What each weight of the document holds; both backends build it from this table.
DOCUMENT = (
    ("A", ("title",)),
    ("B", ("summary",)),
    ("C", ("partners", "territory", "domains")),
    ("D", ("description",)),
)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def query_words(text: str) -> list[str]:
    """The folded words of a query that carry meaning."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def stem(word: str) -> str:
    """A light French stemmer for the SQLite fallback: plurals and common endings."""
    if len(word) > 5 and word.endswith("aux"):
        return word[:-2]  # régionaux -> regiona(l)
    if len(word) > 4 and word.endswith("al"):
        return word[:-1]
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]  # élève, élèves -> elev
    return word


# --- Finding and ranking -------------------------------------------------------------------


def filter_examples(queryset, text: str):
    """Examples whose document matches every word of `text` (or a close spelling of it)."""
    return queryset.filter(match_condition(text))


def match_condition(text: str) -> Q:
    """The condition `filter_examples` applies; compute it once to filter several querysets."""
    from .models import Example

    if not query_words(text):
        return Q()
    if uses_postgres():
        query = SearchQuery(text, search_type="websearch", config=TEXT_SEARCH_CONFIG)
        # Or every word close to a word of the title or of a partner's name (typos).
        close = Q()
        for word in query_words(text):
            close &= Q(search_names__trigram_word_similar=word)
        return Q(search_vector=query) | close
    vocabulary = None
    condition = Q()
    for word in query_words(text):
        word_condition = Q(search_text__contains=stem(word))
        if len(word) >= 4:
            if vocabulary is None:
                vocabulary = _sqlite_vocabulary(Example)
            close_words = difflib.get_close_matches(word, vocabulary, cutoff=SQLITE_TYPO_CUTOFF)
            for close in close_words:
                word_condition |= Q(search_names__contains=close)
        condition &= word_condition
    return condition


def _sqlite_vocabulary(model) -> list[str]:
    words = set()
    for names in model.objects.order_by().values_list("search_names", flat=True).iterator():
        words.update(_WORD.findall(names))
    return sorted(words)


def order_by_relevance(queryset, text: str):
    """Best matches first: title hits before summary hits before the rest; then newest."""
    if not query_words(text):
        return queryset
    if uses_postgres():
        query = SearchQuery(text, search_type="websearch", config=TEXT_SEARCH_CONFIG)
        return queryset.annotate(
            relevance=SearchRank(F("search_vector"), query)
            + TrigramWordSimilarity(fold(text), "search_names")
        ).order_by("-relevance", "-start_year", "-pk")
    first = stem(query_words(text)[0])
    return queryset.annotate(
        relevance=Case(
            When(search_names__contains=first, then=Value(2)),
            When(search_text__contains=first, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-relevance", "-start_year", "-pk")


def highlight(text: str, query: str) -> str:
    """`text` escaped, with the words that match the query wrapped in <mark>."""
    text = text or ""
    stems = {stem(word) for word in query_words(query or "")}
    if not stems:
        return escape(text)
    pieces, last = [], 0
    for match in re.finditer(r"\w+", text):
        folded = fold(match.group())
        if any(folded.startswith(s) for s in stems):
            pieces.append(escape(text[last : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


# --- Keeping the index current ---------------------------------------------------------------


def update_search_index(example_ids=None):
    """Recompute the search columns of these examples (all of them when None)."""
    from .models import Example

    queryset = Example.objects.all()
    if example_ids is not None:
        ids = sorted(set(example_ids))
        batches = [ids[i : i + INDEX_BATCH_SIZE] for i in range(0, len(ids), INDEX_BATCH_SIZE)]
    else:
        all_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        batches = [
            all_ids[i : i + INDEX_BATCH_SIZE] for i in range(0, len(all_ids), INDEX_BATCH_SIZE)
        ]
    if uses_postgres() and len(batches) > 1:
        # After a bulk load the planner's statistics are stale; the subqueries below then
        # scan whole tables per row. Refresh them first.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE catalogue_example, catalogue_partnership, catalogue_actor, "
                "catalogue_example_domains"
            )
    for batch in batches:
        if uses_postgres():
            Example.objects.filter(pk__in=batch).update(
                search_vector=_postgres_vector(), search_names=_postgres_names()
            )
        else:
            _sqlite_update(Example.objects.filter(pk__in=batch))


def _postgres_sources():
    from territoires.models import Territory

    from .models import Example, Partnership

    def joined(queryset, field):
        return Subquery(
            queryset.values("example").annotate(joined=StringAgg(field, " ")).values("joined")
        )

    return {
        "title": F("title"),
        "summary": F("summary"),
        "description": F("description"),
        "partners": joined(Partnership.objects.filter(example=OuterRef("pk")), "actor__name"),
        "domains": joined(
            Example.domains.through.objects.filter(example=OuterRef("pk")), "domain__name"
        ),
        "territory": Subquery(Territory.objects.filter(pk=OuterRef("territory_id")).values("name")),
    }


def _postgres_vector():
    sources = _postgres_sources()
    vector = None
    for weight, names in DOCUMENT:
        part = SearchVector(
            *(sources[name] for name in names), weight=weight, config=TEXT_SEARCH_CONFIG
        )
        vector = part if vector is None else vector + part
    return vector


def _postgres_names():
    sources = _postgres_sources()
    names = Concat(
        F("title"),
        Value(" "),
        Coalesce(sources["partners"], Value(""), output_field=TextField()),
        output_field=TextField(),
    )
    return Lower(Func(names, function="unaccent", output_field=TextField()))


def _sqlite_update(queryset):
    examples = list(queryset.with_related())
    for example in examples:
        values = {
            "title": example.title,
            "summary": example.summary,
            "description": example.description,
            "partners": " ".join(p.actor.name for p in example.partnerships.all()),
            "domains": " ".join(d.name for d in example.domains.all()),
            "territory": example.territory.name,
        }
        example.search_text = fold(
            " ".join(values[name] for _, names in DOCUMENT for name in names)
        )
        example.search_names = fold(f"{values['title']} {values['partners']}")
    queryset.model.objects.bulk_update(examples, ["search_text", "search_names"])


# --- Signals: the relations that feed the document -------------------------------------------


def _example_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_index([instance.pk])


def _partnership_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.example_id:
        update_search_index([instance.example_id])


def _domains_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # domain.examples.add(...)
        update_search_index(pk_set or instance.examples.values_list("pk", flat=True))
    else:
        update_search_index([instance.pk])


def _named_thing_saved(sender, instance, created=False, raw=False, **kwargs):
    """An actor, domain or territory renamed: its examples' documents change."""
    if raw or created:
        return
    from .models import Actor, Example

    if isinstance(instance, Actor):
        examples = Example.objects.filter(partnerships__actor=instance)
    elif sender._meta.label == "territoires.Territory":
        examples = Example.objects.filter(territory=instance)
    else:
        examples = Example.objects.filter(domains=instance)
    update_search_index(examples.values_list("pk", flat=True))


def _set_typo_threshold(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {TYPO_SIMILARITY}")


def connect_signals():
    from territoires.models import Territory

    connection_created.connect(_set_typo_threshold, dispatch_uid="search-typo-threshold")
    from .models import Actor, Domain, Example, Partnership

    post_save.connect(_example_saved, sender=Example, dispatch_uid="search-example")
    post_save.connect(_partnership_changed, sender=Partnership, dispatch_uid="search-partner")
    post_delete.connect(_partnership_changed, sender=Partnership, dispatch_uid="search-unpartner")
    m2m_changed.connect(_domains_changed, sender=Example.domains.through, dispatch_uid="search-dom")
    for model in (Actor, Domain, Territory):
        post_save.connect(_named_thing_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
