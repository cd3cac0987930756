"""The published examples as one flat SQLite table with an FTS5 index, for Datasette.

One row per example: its texts, territory, région and département names, scale, start year,
and its many-valued facets (actor types, domains, partnership types, ODD, alliance
objectives) as JSON arrays, which Datasette counts with `_facet_array`.
"""

import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

from catalogue.choices import ActorType, ExampleStatus, ObjectiveFamily, Scale
from catalogue.models import Example, Partnership
from territoires.models import Territory, TerritoryLevel, slug_at

from .timing import fetch_json

TABLE = "examples"
COLUMNS = {
    "id": "INTEGER PRIMARY KEY",
    "slug": "TEXT",
    "title": "TEXT",
    "summary": "TEXT",
    "description": "TEXT",
    "territoire": "TEXT",
    "region": "TEXT",
    "departement": "TEXT",
    "echelle": "TEXT",
    "annee_debut": "INTEGER",
    "type_acteur": "TEXT",
    "domaine": "TEXT",
    "type_partenariat": "TEXT",
    "odd": "TEXT",
    "objectif": "TEXT",
}
ARRAYS = ("type_acteur", "domaine", "type_partenariat", "odd", "objectif")
SEARCHED = ("title", "summary", "description", "territoire", "region", "departement", "domaine")
# The facets our list page counts, asked of Datasette in the same number.
FACETS = "_facet=region&_facet=departement&_facet=echelle&" + "&".join(
    f"_facet_array={name}" for name in ARRAYS
)


def filters(*, region: str, actor_type: str, domain: str) -> str:
    """Datasette's query string for our list's région, actor type and domain filters: the
    région column, and one value in each JSON array (`__arraycontains`)."""
    return urlencode({
        "region": region,
        "type_acteur__arraycontains": actor_type,
        "domaine__arraycontains": domain,
    })  # fmt: skip


def build(path: Path) -> int:
    """Write the SQLite file at `path` (replacing it); the number of examples written."""
    path.unlink(missing_ok=True)
    arrays = many_valued()
    names = dict(
        Territory.objects.filter(
            level__in=[TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
        ).values_list("slug", "name")
    )
    scales = dict(Scale.choices)
    published = Example.objects.published().order_by("pk")
    rows = (
        (
            pk, slug, title, summary, description, territory, *region_and_departement(tpath, names),
            str(scales.get(scale, "")), start_year,
            *(json.dumps(sorted(arrays[name].get(pk, ())), ensure_ascii=False) for name in ARRAYS),
        )
        for pk, slug, title, summary, description, territory, tpath, scale, start_year
        in published.values_list(
            "pk", "slug", "title", "summary", "description", "territory__name",
            "territory__path", "scale", "start_year",
        ).iterator(chunk_size=5000)
    )  # fmt: skip
    database = sqlite3.connect(path)
    try:
        columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
        database.execute(f"CREATE TABLE {TABLE} ({columns})")
        marks = ", ".join("?" * len(COLUMNS))
        database.executemany(f"INSERT INTO {TABLE} VALUES ({marks})", rows)
        # Datasette finds an FTS table by its content="examples"; accents are folded, French
        # words are not stemmed (FTS5 ships only an English stemmer).
        database.execute(
            f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5({', '.join(SEARCHED)}, "
            f'content="{TABLE}", content_rowid="id", tokenize="unicode61 remove_diacritics 2")'
        )
        database.execute(f"INSERT INTO {TABLE}_fts({TABLE}_fts) VALUES ('rebuild')")
        database.commit()
        (count,) = database.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
        database.execute("VACUUM")
    finally:
        database.close()
    return count


def region_and_departement(path: str, names: dict) -> tuple[str, str]:
    """Names of the région and département in a territory path "/pays-fr/region-32/…"."""
    return (
        names.get(slug_at(path, TerritoryLevel.REGION), ""),
        names.get(slug_at(path, TerritoryLevel.DEPARTEMENT), ""),
    )


def many_valued() -> dict:
    """{facet: {example id: set of labels}} for the published examples."""
    published = {"example__status": ExampleStatus.PUBLIE}
    actor_types = dict(ActorType.choices)
    arrays = {name: defaultdict(set) for name in ARRAYS}

    def add(name, pairs):
        for pk, label in pairs:
            arrays[name][pk].add(str(label))

    add("type_acteur", (
        (pk, actor_types[value]) for pk, value in Partnership.objects.filter(**published)
        .values_list("example_id", "actor__actor_type")
    ))  # fmt: skip
    add("domaine", Example.domains.through.objects.filter(**published)
        .values_list("example_id", "domain__name"))  # fmt: skip
    add("type_partenariat", Example.partnership_types.through.objects.filter(**published)
        .values_list("example_id", "partnershiptype__name"))  # fmt: skip
    objectives = Example.objectives.through.objects.filter(**published).values_list(
        "example_id", "objective__family", "objective__number", "objective__short_name"
    )
    for pk, family, number, short_name in objectives:
        if family == ObjectiveFamily.ODD:
            arrays["odd"][pk].add(f"ODD {number}")
        else:
            arrays["objectif"][pk].add(short_name)
    return arrays


def result_count(port: int, path: str) -> int:
    """The number of rows Datasette finds for a table view (its JSON twin)."""
    table, _, query = path.partition("?")
    return fetch_json(port, f"{table}.json?{query}&_size=1")["filtered_table_rows_count"]
