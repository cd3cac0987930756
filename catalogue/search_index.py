"""The search index: each example's document, computed by one author and kept current.

The document of an example (see catalogue.search for how it is matched) is made of its
title (A), summary (B), partners and their types, its territory with its département and
région, domains, partnership types and objectives (C), and description (D). It is
recomputed only when one of those changes — by signals for the writes that go through
models (a save that does not touch a field of the document costs no reindex), by the bulk
writers themselves (imports, demo data, `load_reference_data` through `reindex_renamed`).
"""

from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from . import versions
from .choices import ActorType, ObjectiveFamily
from .search import FTS_TABLE, INDEX_BATCH_SIZE, stem, uses_postgres, words

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


# The fields of each model that its examples' documents are made of (DocumentSources).
DOCUMENT_FIELDS = {
    "Example": ("title", "summary", "description", "territory_id"),
    "Actor": ("name", "actor_type"),
    "Domain": ("name",),
    "PartnershipType": ("name",),
    "Objective": ("family", "number", "name", "short_name"),
    "Territory": ("name", "path"),
}


def _note_document_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save: does this save change what documents are made of? A save that names its
    fields (a status change) costs nothing; any other save of an existing row, one query."""
    if raw or instance._state.adding:
        return
    fields = DOCUMENT_FIELDS[sender.__name__]
    if update_fields is not None:
        names = {sender._meta.get_field(name).attname for name in update_fields}
        if not names & set(fields):
            instance._document_changed = False
            return
    before = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    instance._document_changed = before != tuple(getattr(instance, f) for f in fields)


def _document_changed(instance, created) -> bool:
    return created or getattr(instance, "_document_changed", True)


def _example_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and _document_changed(instance, created):
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
    documents change (a new one is in none yet)."""
    if raw or created or not _document_changed(instance, created):
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


def reference_documents() -> dict[str, dict]:
    """What examples' documents take from the reference lists, {model: {pk: values}}: a
    loader that writes in bulk (no signals) compares it before and after (`reindex_renamed`)."""
    from territoires.models import Territory

    from .models import Domain, Objective, PartnershipType

    return {
        model.__name__: {
            pk: values
            for pk, *values in model.objects.order_by().values_list(
                "pk", *DOCUMENT_FIELDS[model.__name__]
            )
        }
        for model in (Domain, Objective, PartnershipType, Territory)
    }


def reindex_renamed(before: dict[str, dict]) -> None:
    """Recompute the documents of the examples whose reference values changed since
    `before` (a territory, a domain… renamed by load_reference_data)."""
    from territoires.models import Territory

    from .models import Example

    after = reference_documents()
    changed = {
        name: [pk for pk, values in rows.items() if before[name].get(pk, values) != values]
        for name, rows in after.items()
    }
    condition = Q(domains__in=changed["Domain"]) | Q(objectives__in=changed["Objective"])
    condition |= Q(partnership_types__in=changed["PartnershipType"])
    for territory in Territory.objects.filter(pk__in=changed["Territory"]):
        condition |= Q(territory__in=territory.descendants())
    if any(changed.values()):
        update_search_index(Example.objects.filter(condition).values_list("pk", flat=True))


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

    for model in (Example, Actor, Domain, Objective, PartnershipType, Territory):
        pre_save.connect(
            _note_document_change, sender=model, dispatch_uid=f"search-note-{model.__name__}"
        )
    post_save.connect(_example_saved, sender=Example, dispatch_uid="search-example")
    post_delete.connect(_example_deleted, sender=Example, dispatch_uid="search-forget")
    post_save.connect(_partnership_changed, sender=Partnership, dispatch_uid="search-partner")
    post_delete.connect(_partnership_changed, sender=Partnership, dispatch_uid="search-unpartner")
    connect_to_example_lists(_relation_changed, prefix="search")
    for model in (Actor, Domain, Objective, PartnershipType, Territory):
        post_save.connect(_named_thing_saved, sender=model, dispatch_uid=f"search-{model.__name__}")
