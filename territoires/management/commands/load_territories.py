"""Load or refresh the INSEE territories from fixtures/territories.csv.gz, in bulk."""

import csv
import gzip
import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from territoires.models import Territory, TerritoryLevel, searchable_names

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "territories.csv.gz"
# Parents before children, so that each level finds its parent's path.
LEVEL_ORDER = [
    TerritoryLevel.PAYS,
    TerritoryLevel.REGION,
    TerritoryLevel.DEPARTEMENT,
    TerritoryLevel.EPCI,
    TerritoryLevel.COMMUNE,
]
UPDATED_FIELDS = [
    "level",
    "code",
    "name",
    "folded_name",
    "search_key",
    "parent",
    "path",
    "population",
]


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les territoires INSEE (pays, régions, départements, EPCI, communes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, file, **options):
        rows = self.read_rows(file)
        with transaction.atomic():
            for level in LEVEL_ORDER:
                self.upsert_level(level, [row for row in rows if row["level"] == level])
            added = self.sync_memberships(rows)
        self.stdout.write(
            f"{len(rows)} territoires à jour ({added} appartenances intercommunales ajoutées)."
        )

    def read_rows(self, file):
        try:
            with gzip.open(file, "rb") as raw:
                return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
        except OSError as error:
            raise CommandError(f"Fichier des territoires illisible ({file}) : {error}") from None

    def upsert_level(self, level, rows):
        parent_paths = dict(Territory.objects.values_list("slug", "path"))
        parent_ids = dict(Territory.objects.values_list("slug", "pk"))
        objects = []
        for row in rows:
            slug = Territory.make_slug(level, row["code"])
            parent = row["parent"] or None
            if parent and parent not in parent_ids:
                raise CommandError(f"{slug} : parent inconnu « {parent} ».")
            objects.append(
                Territory(
                    level=level,
                    code=row["code"],
                    name=row["name"],
                    **searchable_names(row["name"]),
                    slug=slug,
                    parent_id=parent_ids.get(parent),
                    path=f"{parent_paths.get(parent, '/')}{slug}/",
                    population=int(row["population"]) if row["population"] else None,
                )
            )
        Territory.objects.bulk_create(
            objects,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["slug"],
            update_fields=UPDATED_FIELDS,
        )

    def sync_memberships(self, rows):
        """Make commune → EPCI links match the file: add the missing, drop the stale."""
        ids = dict(Territory.objects.values_list("slug", "pk"))
        wanted = {
            (ids[Territory.make_slug(row["level"], row["code"])], ids[grouping])
            for row in rows
            if row["member_of"]
            for grouping in row["member_of"].split(";")
        }
        Through = Territory.member_of.through
        existing = set(Through.objects.values_list("from_territory_id", "to_territory_id"))
        stale = existing - wanted
        if stale:
            for from_id, to_id in stale:
                Through.objects.filter(from_territory_id=from_id, to_territory_id=to_id).delete()
        missing = wanted - existing
        Through.objects.bulk_create(
            [Through(from_territory_id=a, to_territory_id=b) for a, b in missing],
            batch_size=5000,
        )
        return len(missing)
