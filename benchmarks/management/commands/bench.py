"""`make bench`: the public pages at growing sizes, through gunicorn, beside the Django admin
and Datasette on the same data, then a load test at the largest size (docs/benchmarks.md).

    manage.py bench [--sizes 1000 10000 100000] [--requests 50] [--load-seconds 60]

Run it on a migrated PostgreSQL database holding the reference data and no examples (or
fewer than the first size): it adds published demo examples up to each size in turn.
"""

import contextlib
import datetime
import json
import os
import platform
import signal
import subprocess
import time
from dataclasses import dataclass, field

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client

from benchmarks import datasette_db, freshness, load, queries, report, servers, timing, writes
from catalogue.choices import ActorType
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain, Example, Objective, Partnership
from territoires.models import Territory, TerritoryLevel

SEED = 5
WORDS = {"rare": "bagagerie", "courante": "solidaire", "avec faute": "jardnis"}
REGION = "region-32"
# A place name typed as words, and what the search boxes suggest from (a place, a common word).
PLACE = "Lille"
SUGGESTED = ("lil", "sol")
EXPORT_ROWS = 10_000
ADMIN_USER = "mesure-admin"
OUT = settings.BASE_DIR / "var" / "bench"
# Added GROWTH_BATCH at a time (one transaction each, a bounded memory), each batch with its
# own seed: SEED + the number of examples already there.
GROWTH_BATCH = 250_000
# The pages timed around a write (benchmarks/freshness.py), and the rows the import updates.
FRESHNESS_PAGES = (
    "liste filtrée (région, type d'acteur, domaine)",
    "recherche courante « solidaire »",
    "fiche exemple",
    "page région",
    "API, liste filtrée (les mêmes filtres)",
    "repères région",
)
IMPORT_ROWS = 1_000
# Above this many examples, exporting everything takes minutes a request: not measured.
EXPORT_ALL_UP_TO = 100_000
# Counted in "résultats".
LISTS = {"/exemples/", "/exemples/export.csv", "/exemples/export.xlsx", "/api/v1/exemples/"}


@dataclass
class Target:
    """One address to time: on our gunicorn (`app`) or on Datasette."""

    label: str
    path: str
    server: str = "app"
    requests: int | None = None  # None: the run's --requests
    warmup: int = servers.GUNICORN_WORKERS  # unrecorded requests between cold and warm
    admin: bool = False
    compare_to: str | None = None  # the label of our page this one is compared with
    results: int | None = None
    figures: dict = field(default_factory=dict)


def exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "Mesure les pages publiques à 1 000, 10 000 et 100 000 exemples (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
        parser.add_argument("--requests", type=int, default=50, help="requêtes chronométrées")
        parser.add_argument("--load-seconds", type=int, default=60, help="durée de wrk")
        parser.add_argument(
            "--max-seconds", type=int, default=45, help="plafond de la mesure à chaud par adresse"
        )

    def handle(self, *args, sizes, requests, load_seconds, max_seconds, **options):
        if settings.DEBUG:
            raise CommandError("Lancez la mesure sans DJANGO_DEBUG (le debug garde les requêtes).")
        if connection.vendor != "postgresql":
            raise CommandError("La mesure se fait sur PostgreSQL (make bench en lance un jetable).")
        # `kill` or a closing terminal: stop the servers on the way out, as for Ctrl-C.
        signal.signal(signal.SIGTERM, exit_on_signal)
        OUT.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.requests, self.max_seconds = requests, max_seconds
        results = []
        try:
            for size in sorted(sizes):
                largest = size == max(sizes)
                results.append(self.measure_size(size, load_seconds if largest else 0))
        except timing.BenchError as error:
            raise CommandError(f"Mesure interrompue : {error}") from error
        total = time.monotonic() - started
        text = report.document(self.context(requests, total), results)
        stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
        path = OUT / f"report-{stamp}.md"
        path.write_text(text)
        (OUT / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
        self.stdout.write("\n" + text)
        self.stdout.write(f"Rapport : {path.relative_to(settings.BASE_DIR)}")

    def say(self, message):
        self.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}")

    # --- one size ------------------------------------------------------------------------

    def measure_size(self, size, load_seconds):
        growth, growth_seconds = self.grow_to(size)
        load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        targets = self.targets()
        admin = get_user_model().objects.filter(username=ADMIN_USER).first() or (
            get_user_model().objects.create_superuser(ADMIN_USER, "", None)
        )
        self.say(f"{size} : requêtes SQL et EXPLAIN ANALYZE de chaque page, en processus")
        for target in targets:
            if target.server == "app":
                figures = queries.page_queries(target.path, user=admin if target.admin else None)
                target.results = figures.pop("results", target.results)
                target.figures.update(figures)
        self.say(f"{size} : copie SQLite pour Datasette")
        sqlite_started = time.monotonic()
        database = OUT / "catalogue.db"
        copied = datasette_db.build(database)
        sqlite_seconds = time.monotonic() - sqlite_started
        if copied != size:
            raise timing.BenchError(f"la copie SQLite a {copied} exemples au lieu de {size}.")
        measure_started = time.monotonic()
        queries.clear_caches()
        session = self.admin_session(admin)
        peak_rss_mb, load_figures, written = self.over_http(
            size, targets, database, session, load_seconds
        )
        return {
            "examples": size,
            "growth": growth,
            "growth_seconds": growth_seconds,
            "sqlite_seconds": sqlite_seconds,
            "measure_seconds": time.monotonic() - measure_started,
            "load_avg": load_avg,
            "peak_rss_mb": peak_rss_mb,
            "rows": [self.row(target) for target in targets],
            "writes": written,
            "load": load_figures,
        }

    def over_http(self, size, targets, database, session, load_seconds):
        """Fresh gunicorn and Datasette: each address once (cold), then each in turn (warm),
        the writes, then wrk if asked; the servers stop however this ends."""
        ports = {"app": servers.free_port(), "datasette": servers.free_port()}
        access_log = OUT / "gunicorn-access.log"
        with contextlib.ExitStack() as stack:
            gunicorn = stack.enter_context(servers.gunicorn(
                ports["app"], OUT / "gunicorn.log", secret_key=settings.SECRET_KEY,
                access_log=access_log,
            ))  # fmt: skip
            stack.enter_context(servers.datasette(ports["datasette"], database,
                                                  OUT / "datasette.log"))  # fmt: skip
            self.say(f"{size} : première requête de chaque adresse (à froid)")
            for target in targets:
                headers = session if target.admin else None
                target.figures["cold"] = timing.checked(ports[target.server], target.path,
                                                        headers)[1]  # fmt: skip
            for target in targets:
                if target.server == "datasette":
                    target.results = datasette_db.result_count(ports["datasette"], target.path)
            for target in targets:
                self.say(f"{size} : à chaud, {target.label}")
                target.figures["warm"] = timing.warm(
                    ports[target.server],
                    target.path,
                    requests=target.requests or self.requests,
                    warmup=target.warmup,
                    max_seconds=self.max_seconds,
                    headers=session if target.admin else None,
                )
                if target.server == "app" and not target.admin and "export" not in target.path:
                    target.figures["uncached"] = timing.warm(
                        ports["app"],
                        target.path,
                        requests=target.requests or self.requests,
                        warmup=0,
                        max_seconds=self.max_seconds,
                        vary=True,
                    )
            memory = {"pages": servers.peak_rss_mb(gunicorn.pid)}
            written = self.measure_writes(size, ports["app"], targets, access_log)
            memory["writes"] = servers.peak_rss_mb(gunicorn.pid)
            if not load_seconds:
                return memory, None, written
            self.say(f"{size} : charge, wrk pendant {load_seconds} s")
            figures = load.run(ports["app"], self.load_paths(), seconds=load_seconds, workdir=OUT)
            memory["load"] = servers.peak_rss_mb(gunicorn.pid)
            load_figures = figures | {"connections": load.CONNECTIONS, "threads": load.THREADS}
            return memory, load_figures, written

    def measure_writes(self, size, port, targets, access_log) -> list[dict]:
        """A curator's save, then an import of IMPORT_ROWS rows, between fresh requests to
        the public pages (benchmarks/freshness.py)."""
        pages = {t.label: t.path for t in targets if t.label in FRESHNESS_PAGES}
        published = Example.objects.published().order_by("-pk")
        example = published.first()

        def save():
            writes.curator_save(example)
            return 1

        self.say(f"{size} : pages avant et après l'enregistrement d'un exemple")
        saved = freshness.measure(port, pages, access_log, "enregistrement", save,
                                  read_during=False)  # fmt: skip
        self.say(f"{size} : pages avant, pendant et après un import de {IMPORT_ROWS} lignes")
        imported = freshness.measure(port, pages, access_log, "import",
                                     lambda: writes.import_update(IMPORT_ROWS))  # fmt: skip
        return [saved, imported]

    def grow_to(self, size):
        """Add published demo examples up to `size`; each batch has its own fixed seed, so
        that a size reached through the same steps always holds the same data."""
        current = Example.objects.count()
        if current > size:
            raise timing.BenchError(f"la base a déjà {current} exemples, plus que {size}.")
        started = time.monotonic()
        seeds = []
        while (count := Example.objects.count()) < size:
            batch = min(size - count, GROWTH_BATCH)
            self.say(f"{size} : génération de {batch} exemples (graine {SEED + count})")
            with open(os.devnull, "w") as quiet:
                call_command("generate_demo_data", count=batch, seed=SEED + count,
                             all_published=True, stdout=quiet)  # fmt: skip
            seeds.append(str(SEED + count))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        growth = (
            f"{size - current} exemples ajoutés à {current} (graines {', '.join(seeds)})"
            if current
            else f"{size} exemples générés (graines {', '.join(seeds)})"
        )
        return growth, time.monotonic() - started

    @staticmethod
    def admin_session(user) -> dict:
        """A Cookie header for `user`'s session, stored in the database gunicorn reads."""
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie.value}"}

    # --- what is measured --------------------------------------------------------------

    def targets(self) -> list[Target]:
        domain = Domain.objects.first()
        filters = f"territoire={REGION}&type_acteur=association&domaine={domain.slug}"
        same_filters = datasette_db.filters(
            region=Territory.objects.get(slug=REGION).name,
            actor_type=ActorType.ASSOCIATION.label,
            domain=domain.name,
        )
        published = Example.objects.published().order_by("pk")
        example = published[published.count() // 2]
        actor = Partnership.objects.filter(example=example).order_by("position").first().actor
        near = self.query_near(EXPORT_ROWS)
        words = list(WORDS.items())
        targets = [
            Target("accueil", "/"),
            Target("liste", "/exemples/"),
            Target("liste filtrée (région, type d'acteur, domaine)", f"/exemples/?{filters}"),
            Target("API, liste filtrée (les mêmes filtres)", f"/api/v1/exemples/?{filters}",
                   compare_to="liste filtrée (région, type d'acteur, domaine)"),
            Target("flux Atom filtré (les mêmes filtres)", f"/exemples/flux.atom?{filters}"),
            *(Target(f"recherche {kind} « {word} »", f"/exemples/?q={word}")
              for kind, word in words),
            *(Target(f"recherche {kind} « {word} » + filtres", f"/exemples/?q={word}&{filters}")
              for kind, word in words),
            Target("recherche d'un lieu « Lille »", f"/exemples/?q={PLACE}"),
            *(Target(f"suggestions « {prefix} »", f"/exemples/suggestions/?q={prefix}")
              for prefix in SUGGESTED),
            Target("fiche exemple", example.get_absolute_url()),
            Target("page région", f"/territoires/{REGION}/"),
            Target("repères France", "/reperes/"),
            Target("repères région", f"/reperes/{REGION}/"),
            Target("fiche acteur", actor.get_absolute_url()),
            Target(f"export CSV ({near or 'tout'})", f"/exemples/export.csv?{near}",
                   requests=5, warmup=1),
            Target(f"export XLSX ({near or 'tout'})", f"/exemples/export.xlsx?{near}",
                   requests=5, warmup=1),
            *([Target("export CSV de tout", "/exemples/export.csv", requests=2, warmup=1)]
              if near and published.count() <= EXPORT_ALL_UP_TO else []),
            *(Target(f"admin, recherche « {word} »", f"/admin/catalogue/example/?q={word}",
                     admin=True, warmup=1, compare_to=f"recherche {kind} « {word} »")
              for kind, word in words),
            # Datasette: the same query as the page of ours it is compared with.
            Target("Datasette, facettes", f"/catalogue/examples?{datasette_db.FACETS}",
                   server="datasette", warmup=0, compare_to="liste"),
            Target("Datasette, liste filtrée + facettes",
                   f"/catalogue/examples?{same_filters}&{datasette_db.FACETS}",
                   server="datasette", warmup=0,
                   compare_to="liste filtrée (région, type d'acteur, domaine)"),
            *(Target(f"Datasette, « {word} » + facettes",
                     f"/catalogue/examples?_search={word}&{datasette_db.FACETS}",
                     server="datasette", warmup=0, compare_to=f"recherche {kind} « {word} »")
              for kind, word in words[:2]),
            *(Target(f"Datasette, « {word} » + filtres + facettes",
                     f"/catalogue/examples?_search={word}&{same_filters}&{datasette_db.FACETS}",
                     server="datasette", warmup=0,
                     compare_to=f"recherche {kind} « {word} » + filtres")
              for kind, word in words[:2]),
        ]  # fmt: skip
        for target in targets:
            path, _, query = target.path.partition("?")
            if target.server == "app" and path in LISTS:
                target.results = ExampleFilterSet(QueryDict(query)).qs.count()
        return targets

    @staticmethod
    def query_near(rows) -> str:
        """The ODD, domain or domain and région filter whose list is closest to `rows`
        examples; none (every example) when there are no more than that."""
        if Example.objects.published().count() <= rows:
            return ""
        domains = Domain.objects.values_list("slug", flat=True)
        candidates = [f"odd={o.number}" for o in Objective.objects.filter(family="odd")]
        candidates += [f"domaine={slug}" for slug in domains]
        # Above some 200,000 examples a domain alone is far more than `rows`.
        candidates += [f"domaine={slug}&territoire={REGION}" for slug in domains]
        counts = {q: ExampleFilterSet(QueryDict(q)).qs.count() for q in candidates}
        return min(counts, key=lambda q: abs(counts[q] - rows))

    @staticmethod
    def load_paths() -> list[str]:
        """About 40 public addresses: lists, searches, territories, examples and actors."""
        regions = list(
            Territory.objects.filter(level=TerritoryLevel.REGION)
            .order_by("code")
            .values_list("slug", flat=True)[:5]
        )
        domain = Domain.objects.first().slug
        published = Example.objects.published().order_by("pk")
        count = published.count()
        slugs = [published[count * i // 20].slug for i in range(20)]
        actors = Partnership.objects.filter(example__slug__in=slugs[:3]).select_related("actor")
        return [
            "/exemples/",
            *(f"/exemples/?territoire={region}&domaine={domain}" for region in regions),
            *(f"/exemples/?q={word}" for word in WORDS.values()),
            *(f"/exemples/?q={word}&territoire={REGION}" for word in WORDS.values()),
            f"/exemples/?q={PLACE}",
            *(f"/exemples/suggestions/?q={prefix}" for prefix in SUGGESTED),
            *(f"/territoires/{region}/" for region in regions),
            "/reperes/",
            *(f"/reperes/{region}/" for region in regions[:2]),
            *(f"/exemples/{slug}/" for slug in slugs),
            *(p.actor.get_absolute_url() for p in actors[:3]),
        ]

    @staticmethod
    def row(target: Target) -> dict:
        return {
            "label": target.label,
            "shown_url": target.path if target.server == "app" else f"Datasette {target.path}",
            "compare_to": target.compare_to,
            "results": target.results,
            **target.figures,
        }

    @staticmethod
    def context(requests, total_seconds) -> dict:
        def git(*args):
            return subprocess.run(["git", *args], capture_output=True, text=True,
                                  cwd=settings.BASE_DIR, check=False).stdout.strip()  # fmt: skip

        commit = git("rev-parse", "--short", "HEAD")
        if git("status", "--porcelain"):
            commit += " (modifié)"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0].split()[0]
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        minutes, seconds = divmod(round(total_seconds), 60)
        return {
            "date": datetime.datetime.now().strftime("%d/%m/%Y à %H:%M"),
            "commit": commit,
            "machine": f"{os.cpu_count()} processeurs, {memory:.0f} Go de mémoire",
            "versions": f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {postgres}",
            "workers": servers.GUNICORN_WORKERS,
            "requests": requests,
            "total": f"{minutes} min {seconds:02d} s (sans migrate ni load_reference_data)",
        }
