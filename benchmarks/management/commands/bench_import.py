"""Time and memory of importing N example rows (preview, then confirmation), as in the admin.

    manage.py bench_import [--rows 10000] [--format xlsx] [--variant all]

Each variant runs in its own process so that its peak memory (maximum resident set size)
is its own. Run it on a migrated database holding the reference data, without
DJANGO_DEBUG (debug keeps every query in memory). It creates its own actors and removes
what it imported. `make bench-import` does all of it on a throwaway PostgreSQL cluster.
"""

import json
import random
import re
import resource
import subprocess
import sys
import time

import tablib
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from import_export.instance_loaders import ModelInstanceLoader

from catalogue.choices import ActorType, PartnerRole
from catalogue.models import Actor, Domain, Example
from catalogue.sheets.examples import ExampleResource
from catalogue.sheets.formats import FORMAT_BY_EXTENSION, read_dataset
from catalogue.sheets.outcomes import problems
from territoires.models import Territory, TerritoryLevel

BENCH_USER = "mesure-import"
ACTOR_PREFIX = "Acteur de mesure"
ACTOR_COUNT = 600
VARIANTS = {
    "admin": "pages d'aperçu et de confirmation de l'administration (client HTTP de Django)",
    "tuned": "ExampleResource du projet : aperçu puis confirmation",
    "defaults": "mêmes colonnes, réglages par défaut de django-import-export",
}


class LibraryDefaultsExampleResource(ExampleResource):
    """The project's columns with the library's defaults: one query per row to find the
    instance, relations written row by row, full validation queries, HTML diff per row."""

    defer_relations = False
    fast_validation = False

    class Meta(ExampleResource.Meta):
        instance_loader_class = ModelInstanceLoader
        use_bulk = False
        skip_diff = False
        skip_html_diff = False

    def get_queryset(self):
        return Example.objects.all()


def make_rows(count: int, seed: int = 17) -> tablib.Dataset:
    """`count` new examples, each with a territory, 1-2 domains, 1-3 ODD and 2-3 partners."""
    rng = random.Random(seed)
    communes = list(
        Territory.objects.filter(level=TerritoryLevel.COMMUNE)
        .order_by("code")
        .values_list("slug", flat=True)[:3000]
    )
    domains = list(Domain.objects.values_list("name", flat=True))
    actors = [f"{ACTOR_PREFIX} {n}" for n in range(ACTOR_COUNT)]
    roles = [r.value for r in PartnerRole]
    words = ["jardin", "atelier", "réseau", "maison", "coopérative", "épicerie", "forum"]
    dataset = tablib.Dataset(
        headers=[
            "Référence",
            "Titre",
            "Résumé",
            "Statut",
            "Territoire",
            "Échelle",
            "Année de début",
            "Année de fin",
            "Domaines",
            "ODD",
            "Objectifs d'alliance",
            "Types de partenariat",
            "Partenaires",
            "Site web",
        ]
    )
    for n in range(count):
        partners = rng.sample(actors, rng.randint(2, 3))
        dataset.append(
            [
                "",
                f"{rng.choice(words).capitalize()} {rng.choice(words)} n° {n}",
                "Un partenariat de mesure entre acteurs de natures différentes.",
                rng.choice(["Publié", "brouillon"]),
                rng.choice(communes),
                rng.choice(["Locale", "departemental", ""]),
                2015 + n % 10,
                "",
                "; ".join(rng.sample(domains, rng.randint(1, 2))),
                "; ".join(f"ODD {o}" for o in rng.sample(range(1, 18), rng.randint(1, 3))),
                str(rng.randint(1, 4)),
                "Mécénat",
                "; ".join(f"{p} ({rng.choice(roles)})" for p in partners),
                "https://exemple.org/alliance",
            ]
        )
    return dataset


def ensure_actors():
    existing = set(
        Actor.objects.filter(name__startswith=ACTOR_PREFIX).values_list("name", flat=True)
    )
    types = list(ActorType)
    for n in range(ACTOR_COUNT):
        name = f"{ACTOR_PREFIX} {n}"
        if name not in existing:
            Actor.objects.create(name=name, actor_type=types[n % len(types)])


def clean_up(user):
    """Remove what a run imported, so that every variant starts from the same database."""
    Example.objects.filter(created_by=user).delete()
    LogEntry.objects.filter(user=user).delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def resource_flow(resource_class, data: bytes, extension: str, user) -> dict:
    """What the admin does: read and preview (dry run), then read again and confirm."""
    preview = resource_class().import_data(
        read_dataset(data, extension), dry_run=True, user=user, rollback_on_validation_errors=True
    )
    if preview.has_errors() or preview.has_validation_errors():
        raise CommandError(f"Aperçu en erreur : {problems(preview)[:3]}")
    result = resource_class().import_data(
        read_dataset(data, extension),
        dry_run=False,
        user=user,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=True,
    )
    LogEntry.objects.log_actions(
        user.pk, [r.instance for r in result.rows], 1, change_message="mesure", single_object=False
    )
    return dict(result.totals)


def admin_flow(data: bytes, extension: str, user) -> dict:
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(user)
    upload = SimpleUploadedFile(f"mesure.{extension}", data)
    response = client.post(
        "/admin/catalogue/example/import/",
        {"import_file": upload, "resource": "0", "format": "0"},
    )
    # Outside the test runner responses carry no context: read the confirmation form's fields.
    page = response.content.decode()
    confirm = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    if "import_file_name" not in confirm:
        raise CommandError(f"L'aperçu n'a pas proposé de confirmation ({response.status_code}).")
    response = client.post("/admin/catalogue/example/process_import/", confirm)
    if response.status_code != 302:
        raise CommandError(f"Confirmation refusée ({response.status_code}).")
    return {"new": Example.objects.filter(created_by=user).count()}


class Command(BaseCommand):
    help = "Mesure l'import de N lignes d'exemples (aperçu puis confirmation)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--format", default="xlsx", choices=sorted(FORMAT_BY_EXTENSION))
        parser.add_argument("--variant", default="all", choices=["all", *VARIANTS])

    def handle(self, *args, rows, format, variant, **options):
        if settings.DEBUG:
            raise CommandError("Lancez la mesure sans DJANGO_DEBUG (le debug garde les requêtes).")
        if variant == "all":
            return self.run_all(rows, format)
        user, _created = get_user_model().objects.get_or_create(
            username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
        )
        ensure_actors()
        clean_up(user)
        data = FORMAT_BY_EXTENSION[format]().export_data(make_rows(rows))
        started = time.perf_counter()
        if variant == "admin":
            totals = admin_flow(data, format, user)
        else:
            resource_class = (
                ExampleResource if variant == "tuned" else LibraryDefaultsExampleResource
            )
            totals = resource_flow(resource_class, data, format, user)
        seconds = time.perf_counter() - started
        created = Example.objects.filter(created_by=user).count()
        clean_up(user)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {
                    "variant": variant,
                    "rows": rows,
                    "format": format,
                    "seconds": round(seconds, 1),
                    "peak_rss_mb": round(peak_mb),
                    "created": created,
                    "file_kb": len(data) // 1024,
                    "totals": totals,
                }
            )
        )

    def run_all(self, rows, format):
        self.stdout.write(
            f"{rows} lignes, format {format}, base {settings.DATABASES['default']['ENGINE']}"
        )
        for name, description in VARIANTS.items():
            command = [sys.executable, sys.argv[0], "bench_import", f"--rows={rows}",
                       f"--format={format}", f"--variant={name}"]  # fmt: skip
            completed = subprocess.run(command, capture_output=True, text=True, check=False)
            if completed.returncode:
                self.stderr.write(completed.stderr[-3000:])
                raise CommandError(f"La variante {name} a échoué.")
            figures = json.loads(completed.stdout.strip().splitlines()[-1])
            self.stdout.write(
                f"{name:9} {figures['seconds']:7.1f} s  {figures['peak_rss_mb']:5d} Mo  "
                f"{figures['created']} exemples créés  ({description})"
            )
