"""Measure the public pages and exports on the current database (see docs/benchmarks.md).

Each measurement runs in a fresh child process, so that its peak memory (ru_maxrss) is
its own: a list page, a search, the CSV export of every published example, the XLSX
export of the first N.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example

PAGES = [
    "/exemples/",
    "/exemples/?q=jardins",
    "/exemples/?q=jardnis",
    "/exemples/?territoire=region-32&type_acteur=association&type_acteur=entreprise",
    "/exemples/?odd=4&domaine=sante&tri=titre",
    "/exemples/?territoire=commune-59350",
    "/territoires/region-32/",
]


class Command(BaseCommand):
    help = "Mesure les pages et exports publics (temps, requêtes SQL, mémoire de pointe)."

    def add_arguments(self, parser):
        parser.add_argument("--xlsx-rows", type=int, default=10_000)
        parser.add_argument("--child", help=argparse.SUPPRESS)

    def handle(self, *args, xlsx_rows, child, **options):
        if child:
            self.measure_one(json.loads(child))
            return
        if connection.vendor == "postgresql":
            # Fresh bulk data: statistics and the visibility map, as autovacuum would leave them.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        published = Example.objects.published().count()
        self.stdout.write(f"Exemples publiés : {published}")
        jobs = [{"url": url} for url in PAGES]
        jobs.append({"url": "/exemples/export.csv"})
        jobs.append({"url": f"/exemples/export.xlsx?{self.query_near(xlsx_rows)}"})
        self.stdout.write("statut  durée   pic RSS  requêtes  lignes  taille  adresse")
        for job in jobs:
            result = subprocess.run(
                [sys.executable, "manage.py", "bench_public", "--child", json.dumps(job)],
                capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
            )  # fmt: skip
            self.stdout.write(result.stdout.strip())

    @staticmethod
    def query_near(rows):
        """The ODD filter whose list is closest to `rows` examples."""
        counts = {
            f"odd={number}": ExampleFilterSet(QueryDict(f"odd={number}")).qs.count()
            for number in range(1, 18)
        }
        return min(counts, key=lambda query: abs(counts[query] - rows))

    def measure_one(self, job):
        url = job["url"]
        on_list = url.startswith("/exemples/")
        rows = ExampleFilterSet(QueryDict(url.partition("?")[2])).qs.count() if on_list else 0
        settings.EXPORT_MAX_ROWS_SPREADSHEET = max(rows, settings.EXPORT_MAX_ROWS_SPREADSHEET)
        client = Client(HTTP_HOST="localhost")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            size = 0
            if response.streaming:
                for chunk in response.streaming_content:
                    size += len(chunk)
            else:
                size = len(response.content)
            elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{response.status_code}  {elapsed:6.2f} s {peak_mb:5.0f} Mo {len(queries):6d} "
            f"{rows:9d} {size / 1e6:6.1f} Mo  {url}"
        )
