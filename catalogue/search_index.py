"""The search index: each example's document, computed by one author and kept current.

The document of an example (see catalogue.search for how it is matched) is made of its
title (A), summary (B), partners and their types, its territory with its département and
région, domains, partnership types and objectives (C), and description (D). It is
recomputed in bulk, once per write, by catalogue.changes for the examples that the write
said it changed (and, after a reference list is renamed, for those `renamed_examples`
finds); nothing here is called by a signal.
"""

import re
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Q

from french.text import fold

from .choices import ActorType, ObjectiveFamily
from .search import FTS_TABLE, INDEX_BATCH_SIZE, stem, uses_postgres, words

# A word as written, accents and all (l'école: "l", "école").
_TOKEN = re.compile(r"[^\W_]+")

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
        from territoires.models import Territory, ancestor_slugs

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
            above = [self.places[slug] for slug in ancestor_slugs(path) if slug in self.places]
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
    known = dict(SearchWord.objects.filter(word__in=seen).values_list("word", "display"))
    unwritten = {w for w in seen if not known.get(w)}
    shown = _accented_forms(texts, unwritten) if unwritten else {}
    SearchWord.objects.bulk_create(
        [SearchWord(word=w, display=shown.get(w, "")) for w in sorted(seen - set(known))],
        ignore_conflicts=True,
        batch_size=2000,
    )
    found = SearchWord.objects.filter(word__in=[w for w in shown if w in known], display="")
    for row in found:
        row.display = shown[row.word]
    SearchWord.objects.bulk_update(found, ["display"], batch_size=2000)


def _accented_forms(texts, wanted) -> dict[str, str]:
    """{folded word: how the texts most often write it with accents} for the words of
    `wanted` written with any: a correction is shown as « solidarités », not « solidarites »."""
    forms = defaultdict(Counter)
    for parts in texts.values():
        for text in parts.values():
            for token in _TOKEN.findall(text.lower()):
                if not token.isascii() and (folded := fold(token)) in wanted:
                    forms[folded][token] += 1
    return {word: counted.most_common(1)[0][0] for word, counted in forms.items()}


def forget(example_ids):
    """Drop deleted examples from the SQLite index (PostgreSQL's lives in the row)."""
    if uses_postgres() or not example_ids:
        return
    placeholders = ", ".join("%s" for _ in example_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", example_ids)


# --- Reference lists renamed ------------------------------------------------------------------


# The fields of each reference model that examples' documents are made of (DocumentSources).
DOCUMENT_FIELDS = {
    "Domain": ("name",),
    "PartnershipType": ("name",),
    "Objective": ("family", "number", "name", "short_name"),
    "Territory": ("name", "path"),
}


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


def renamed_examples(before: dict[str, dict]) -> list[int]:
    """The examples whose documents take a reference value that changed since `before` (a
    territory, a domain… renamed by load_reference_data): a territory counts for every
    example below it, not only for those placed on it."""
    from territoires.models import Territory

    from .models import Example

    after = reference_documents()
    changed = {
        name: [pk for pk, values in rows.items() if before[name].get(pk, values) != values]
        for name, rows in after.items()
    }
    if not any(changed.values()):
        return []
    condition = Q(domains__in=changed["Domain"]) | Q(objectives__in=changed["Objective"])
    condition |= Q(partnership_types__in=changed["PartnershipType"])
    for territory in Territory.objects.filter(pk__in=changed["Territory"]):
        condition |= Q(territory__in=territory.descendants())
    examples = Example.objects.filter(condition).order_by()
    return list(examples.values_list("pk", flat=True).distinct())
