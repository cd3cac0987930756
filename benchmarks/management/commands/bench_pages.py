"""The public pages without page cache, in process, on the database it is given: a quick
before/after of a change on a catalogue already loaded (`make bench` builds its own).

    manage.py bench_pages [--requests 30]

Each page is asked once to warm this process (its facet index, its words), then
`--requests` times with a parameter no page reads, so the page cache never answers; Django's
test client, no HTTP. Besides the wall-clock times, the median processor time of the
process (`time.process_time`: the page's Python, not the database server's work nor the
waits for a busy processor) tells what a page costs on a machine others share.
docs/benchmarks.md says what it was used for.
"""

import time

from django.core.management.base import BaseCommand
from django.test import Client, override_settings

from benchmarks.stats import summary
from catalogue.models import Domain, Example

REGION = "region-32"


class Command(BaseCommand):
    help = "Mesure les pages publiques sans cache de page, en processus."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=30)

    # One client asks the suggestions more often than a visitor typing may.
    @override_settings(SUGGESTION_RATE_LIMIT=10**9)
    def handle(self, *args, requests, **options):
        domain = Domain.objects.order_by("pk").first().slug
        filters = f"territoire={REGION}&type_acteur=association&domaine={domain}"
        published = Example.objects.published().order_by("pk")
        example = published[published.count() // 2]
        pages = {
            "liste filtrée (trois filtres)": f"/exemples/?{filters}",
            "« solidaire »": "/exemples/?q=solidaire",
            "« solidaire » + région": f"/exemples/?q=solidaire&territoire={REGION}",
            "« jardin partagé »": "/exemples/?q=jardin+partag%C3%A9",
            "« bagagerie »": "/exemples/?q=bagagerie",
            "« Lille » (un lieu)": "/exemples/?q=Lille",
            "suggestions « lil »": "/exemples/suggestions/?q=lil",
            "suggestions « sol »": "/exemples/suggestions/?q=sol",
            "fiche exemple": example.get_absolute_url(),
            "page région": f"/territoires/{REGION}/",
            "API, liste filtrée": f"/api/v1/exemples/?{filters}",
            "repères région": f"/reperes/{REGION}/",
        }
        client = Client(HTTP_HOST="localhost")
        self.stdout.write(f"{published.count():,} exemples publiés ; {requests} requêtes par page")
        self.stdout.write(
            f"{'page':32} {'1re (ms)':>9} {'p50':>7} {'p95':>7} {'max':>7} {'CPU p50':>8}"
        )
        for label, path in pages.items():
            first, _cpu = self.timed(client, path, "0")
            timings = [self.timed(client, path, str(n)) for n in range(1, requests + 1)]
            seconds = [wall for wall, _cpu in timings]
            figures = summary(seconds)
            cpu = summary([cpu for _wall, cpu in timings])["p50"]
            self.stdout.write(
                f"{label:32} {first * 1000:9.1f} {figures['p50'] * 1000:7.1f} "
                f"{figures['p95'] * 1000:7.1f} {max(seconds) * 1000:7.1f} {cpu * 1000:8.1f}"
            )

    @staticmethod
    def timed(client, path, tag) -> tuple[float, float]:
        """(wall-clock seconds, processor seconds of this process) of one request."""
        asked = f"{path}{'&' if '?' in path else '?'}_mesure={tag}"
        started, processor = time.perf_counter(), time.process_time()
        response = client.get(asked)
        elapsed = time.perf_counter() - started, time.process_time() - processor
        if response.status_code != 200:
            raise SystemExit(f"{asked} a répondu {response.status_code}.")
        return elapsed
