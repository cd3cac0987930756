"""The full dump of the published catalogue: one CSV per table joinable by ids, the examples
as JSON (the API's fields), and a Frictionless `datapackage.json` describing them, zipped.

The tables are described once, below; the CSV headers, the values written and the data
package's schemas all come from these descriptions. Every table and the JSON are read from
one snapshot of the database (`snapshot()`), of published data only: an example published or
unpublished while the dump runs is in every file or in none, and every identifier a row
names has its row in the dump.
"""

import csv
import io
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalogue.models import Actor, Domain, Example, Objective, Partnership, PartnershipType
from catalogue.sheets.cells import neutralise_formula
from territoires.models import Territory

from .serializers import ExampleSerializer

ARCHIVE_NAME = "impact-alliances-donnees.zip"
DESCRIPTOR_NAME = "datapackage.json"
JSON_NAME = "exemples.json"
BATCH = 1000
# Public data, served by nginx as well as by Django (docs/deployment.md): readable by all.
FILE_MODE = 0o644


@dataclass
class Column:
    name: str
    type: str  # Frictionless field type: integer, string, date, datetime
    description: str
    source: str  # the ORM lookup read for it


@dataclass
class Table:
    name: str
    title: str
    rows: object  # () -> QuerySet of the rows, in a stable order
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)

    def values(self):
        return self.rows().values_list(*(c.source for c in self.columns)).iterator(BATCH)


def _published_link(model):
    return model.objects.filter(example__in=Example.objects.published()).order_by("pk")


def _territories():
    """Where examples and public actors are located, and every territory above them."""
    return Territory.objects.on_paths_of(
        [
            *Example.objects.published().order_by().values_list("territory__path").distinct(),
            *Actor.objects.public().order_by().values_list("territory__path").distinct(),
        ]
    )


def _id(name="id", description="Identifiant (stable dans ce fichier)"):
    return Column(name, "integer", description, "pk")


def _reference_list(name, title, model):
    """A table of one of the reference lists (catalogue.models.ReferenceList)."""
    return Table(
        name,
        title,
        lambda: model.objects.order_by("pk"),
        [
            _id(),
            Column("slug", "string", "Identifiant", "slug"),
            Column("nom", "string", "Nom", "name"),
            Column("description", "string", "Description", "description"),
        ],
        ["id"],
    )


TABLES = [
    Table(
        "exemples",
        "Exemples d'alliances publiés",
        lambda: Example.objects.published().order_by("pk"),
        [
            _id(),
            Column("reference", "string", "Référence (IA-00042)", "reference"),
            Column("slug", "string", "Identifiant de la page publique /exemples/<slug>/", "slug"),
            Column("titre", "string", "Titre", "title"),
            Column("resume", "string", "Résumé", "summary"),
            Column("description", "string", "Description", "description"),
            Column("territoire_id", "integer", "Territoire principal", "territory_id"),
            Column("echelle", "string", "Échelle", "scale"),
            Column("annee_debut", "integer", "Année de début", "start_year"),
            Column("annee_fin", "integer", "Année de fin", "end_year"),
            Column("site_web", "string", "Site web", "website"),
            Column("verifie_le", "date", "Date de la dernière vérification", "verified_on"),
            Column("cree_le", "datetime", "Création dans le catalogue (UTC)", "created_at"),
            Column("modifie_le", "datetime", "Dernière modification (UTC)", "updated_at"),
        ],
        ["id"],
        {"territoire_id": ("territoires", "id")},
    ),
    Table(
        "acteurs",
        "Acteurs des exemples publiés",
        lambda: Actor.objects.public().order_by("pk"),
        [
            _id(),
            Column("slug", "string", "Identifiant de la page publique /acteurs/<slug>/", "slug"),
            Column("nom", "string", "Nom", "name"),
            Column("type_acteur", "string", "Type d'acteur", "actor_type"),
            Column("siren", "string", "SIREN (9 chiffres)", "siren"),
            Column("rna", "string", "Numéro RNA", "rna"),
            Column("site_web", "string", "Site web", "website"),
            Column("territoire_id", "integer", "Territoire", "territory_id"),
        ],
        ["id"],
        {"territoire_id": ("territoires", "id")},
    ),
    Table(
        "partenariats",
        "Partenaires de chaque exemple et leur rôle",
        lambda: _published_link(Partnership),
        [
            _id(),
            Column("exemple_id", "integer", "Exemple", "example_id"),
            Column("acteur_id", "integer", "Acteur", "actor_id"),
            Column("role", "string", "Rôle : porteur, partenaire, financeur…", "role"),
            Column("position", "integer", "Ordre dans la liste des partenaires", "position"),
        ],
        ["id"],
        {"exemple_id": ("exemples", "id"), "acteur_id": ("acteurs", "id")},
    ),
    Table(
        "territoires",
        "Territoires des exemples et des acteurs, et ceux qui les contiennent (INSEE)",
        _territories,
        [
            _id(),
            Column("slug", "string", "Identifiant (<niveau>-<code>)", "slug"),
            Column("niveau", "string", "pays, region, departement, epci, commune", "level"),
            Column("code", "string", "Code INSEE", "code"),
            Column("nom", "string", "Nom", "name"),
            Column("parent_id", "integer", "Territoire parent", "parent_id"),
        ],
        ["id"],
        {"parent_id": ("territoires", "id")},
    ),
    _reference_list("domaines", "Domaines d'action", Domain),
    Table(
        "objectifs",
        "ODD et objectifs de « faire alliance »",
        lambda: Objective.objects.order_by("pk"),
        [
            _id(),
            Column("famille", "string", "odd ou alliance", "family"),
            Column("numero", "integer", "Numéro dans sa famille", "number"),
            Column("nom", "string", "Intitulé", "name"),
            Column("nom_court", "string", "Intitulé court", "short_name"),
            Column("couleur", "string", "Couleur (#rrggbb)", "color"),
        ],
        ["id"],
    ),
    _reference_list("types_partenariat", "Types de partenariat", PartnershipType),
    Table(
        "exemples_domaines",
        "Domaines de chaque exemple",
        lambda: _published_link(Example.domains.through),
        [
            Column("exemple_id", "integer", "Exemple", "example_id"),
            Column("domaine_id", "integer", "Domaine", "domain_id"),
        ],
        ["exemple_id", "domaine_id"],
        {"exemple_id": ("exemples", "id"), "domaine_id": ("domaines", "id")},
    ),
    Table(
        "exemples_objectifs",
        "ODD et objectifs d'alliance de chaque exemple",
        lambda: _published_link(Example.objectives.through),
        [
            Column("exemple_id", "integer", "Exemple", "example_id"),
            Column("objectif_id", "integer", "Objectif", "objective_id"),
        ],
        ["exemple_id", "objectif_id"],
        {"exemple_id": ("exemples", "id"), "objectif_id": ("objectifs", "id")},
    ),
    Table(
        "exemples_types_partenariat",
        "Types de partenariat de chaque exemple",
        lambda: _published_link(Example.partnership_types.through),
        [
            Column("exemple_id", "integer", "Exemple", "example_id"),
            Column("type_partenariat_id", "integer", "Type de partenariat", "partnershiptype_id"),
        ],
        ["exemple_id", "type_partenariat_id"],
        {"exemple_id": ("exemples", "id"), "type_partenariat_id": ("types_partenariat", "id")},
    ),
]


def cell(value) -> str:
    """A value as the data package's field type reads it: datetimes in UTC, ISO 8601; a text
    that a spreadsheet would run as a formula (= + - @…) gets a leading apostrophe, as in the
    exports."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def descriptor(counts: dict[str, int], created: datetime) -> dict:
    """The Frictionless Data Package descriptor (datapackage.json) of a dump."""
    resources = [
        {
            "name": table.name,
            "path": f"{table.name}.csv",
            "title": table.title,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": {
                "fields": [
                    {"name": c.name, "type": c.type, "description": c.description}
                    for c in table.columns
                ],
                "primaryKey": table.primary_key,
                "foreignKeys": [
                    {
                        "fields": column,
                        # Frictionless: an empty resource name means "this resource".
                        "reference": {
                            "resource": "" if target == table.name else target,
                            "fields": key,
                        },
                    }
                    for column, (target, key) in table.foreign_keys.items()
                ],
            },
            "stats": {"rows": counts[table.name]},
        }
        for table in TABLES
    ]
    resources.append(
        {
            "name": "exemples-json",
            "path": JSON_NAME,
            "title": "Exemples publiés avec leurs relations (champs de l'API /api/v1/)",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
        }
    )
    site = settings.SITE_URL.rstrip("/")
    return {
        "profile": "tabular-data-package",
        "name": "impact-alliances",
        "title": "Impact Alliances — exemples d'alliances au service de l'ODD 17",
        "description": "Le catalogue publié : exemples, acteurs, partenariats, territoires, "
        "domaines, objectifs et types de partenariat, reliés par leurs identifiants.",
        "homepage": f"{site}/donnees/",
        "created": cell(created),
        "licenses": [{"title": settings.DATA_LICENCE, "path": settings.DATA_LICENCE_URL}],
        "sources": [
            {"title": "Impact Alliances", "path": f"{site}/"},
            {
                "title": "Code officiel géographique (INSEE), via @etalab/decoupage-administratif",
                "path": "https://www.insee.fr/fr/information/2560452",
            },
        ],
        "resources": resources,
    }


@contextmanager
def snapshot():
    """One read-only view of the database for the whole dump, whatever commits meanwhile.

    PostgreSQL: a REPEATABLE READ READ ONLY transaction. SQLite (WAL): one DEFERRED read
    transaction, whose snapshot is taken at its first read; not the IMMEDIATE of the
    settings, which would hold the write lock, and every writer, for the whole dump.
    Inside a transaction already (tests), its view is the one read.
    """
    if connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    mode = getattr(connection, "transaction_mode", None)
    connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            connection.transaction_mode = mode
            yield
    finally:
        connection.transaction_mode = mode


def write_dump(folder: Path) -> dict[str, int]:
    """Write the archive (and its datapackage.json beside it) into `folder`, replacing the
    previous ones only once complete; the row count of each table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".zip.part")
    os.close(handle)
    with snapshot(), zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        created = timezone.now()
        for table in TABLES:
            with archive.open(f"{table.name}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow([c.name for c in table.columns])
                counts[table.name] = 0
                for row in table.values():
                    writer.writerow([cell(v) for v in row])
                    counts[table.name] += 1
                text.flush()
                text.detach()
        with archive.open(JSON_NAME, "w") as raw:
            write_examples_json(raw)
        package = json.dumps(descriptor(counts, created), ensure_ascii=False, indent=2)
        archive.writestr(DESCRIPTOR_NAME, package)
    (folder / f"{DESCRIPTOR_NAME}.part").write_text(package, encoding="utf-8")
    # mkstemp makes its file 0600: nginx's alias could not read it.
    os.chmod(temporary, FILE_MODE)
    os.chmod(folder / f"{DESCRIPTOR_NAME}.part", FILE_MODE)
    os.replace(temporary, folder / ARCHIVE_NAME)
    os.replace(folder / f"{DESCRIPTOR_NAME}.part", folder / DESCRIPTOR_NAME)
    return counts


def write_examples_json(raw):
    """[example, …] with the API's fields, written batch by batch (bounded memory)."""
    ids = list(Example.objects.published().order_by("pk").values_list("pk", flat=True))
    raw.write(b"[")
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        examples = Example.objects.published().with_related().in_order(batch)
        for position, data in enumerate(ExampleSerializer(examples, many=True).data):
            separator = b"," if start or position else b""
            raw.write(separator + b"\n" + json.dumps(data, ensure_ascii=False).encode())
    raw.write(b"\n]\n")


def latest() -> dict | None:
    """The descriptor of the dump being served, or None when none was written yet."""
    try:
        return json.loads((dump_folder() / DESCRIPTOR_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def dump_folder() -> Path:
    return Path(settings.OPEN_DATA_DIR)


def withdraw_archive(example_ids) -> None:
    """An example left the public: the archive that may hold it is removed at once (the
    /donnees/ page and nginx stop serving it) and written again by the task worker
    (`opendata.tasks.write_open_data`), from published data only."""
    from .tasks import write_open_data

    folder = dump_folder()
    if not (folder / ARCHIVE_NAME).exists():
        return
    for name in (ARCHIVE_NAME, DESCRIPTOR_NAME):
        (folder / name).unlink(missing_ok=True)
    write_open_data.enqueue()
