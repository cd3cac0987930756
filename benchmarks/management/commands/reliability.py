"""`make reliability`: the site under a bounded load, as in production, on loopback only
(docs/reliability.md).

    manage.py reliability [--examples 24000] [--seconds 60] [--restart-at 20]

Run on a migrated PostgreSQL database with the reference data, with PG_RESTART_COMMAND
set (scripts/with-postgres.sh does it) and preferably a shared CACHE_URL. Five phases:
1. mixed load: wrk, 50 connections, lists, searches, filters, pages and exports, gunicorn
   configured as docs/deployment.md and the task worker beside it;
2. the same load while PostgreSQL restarts: failed requests, time until /healthz answers;
3. ten visitors export large lists at once while /healthz is polled;
4. a curator imports 20,000 rows through the admin: preview, then confirmation by the worker;
5. the SQLite default (a new file): 5 readers and 5 curators saving and running actions;
6-8. the task worker killed mid-export and mid-import, an ODS near the cap with the worker
   under a memory limit, a login flood from one address (benchmarks/reliability/).
`--phases kill,oom,login` runs only those (load, restart, exports, import, sqlite, kill,
oom, login).
Figures in var/reliability/report.md (and .json).
"""

import contextlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.http import QueryDict
from django.test import Client

from benchmarks import load, servers, timing
from benchmarks.management.commands import bench_import
from benchmarks.reliability import client, visitors
from benchmarks.reliability.phases import PHASES, parse_phases, worker_phases
from benchmarks.reliability.report import report
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example, Partnership
from catalogue.sheets.formats import FORMAT_BY_EXTENSION

SEED = 11
IMPORT_ROWS = 20_000
OUT = settings.BASE_DIR / "var" / "reliability"
# As docs/deployment.md: five sync workers, a 30 s time limit.
GUNICORN = ["--workers", "5", "--timeout", "30", "--graceful-timeout", "10", "--log-level",
            "warning"]  # fmt: skip
SQLITE_SESSIONS = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import get_user_model
from django.test import Client
from catalogue.models import Example
user, _ = get_user_model().objects.get_or_create(
    username="mesure-curateur", defaults={"is_staff": True, "is_superuser": True})
cookies = []
for _ in range(5):
    client = Client()
    client.force_login(user)
    cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
ids = list(Example.objects.order_by("pk").values_list("pk", flat=True)[:300])
slugs = list(Example.objects.published().order_by("pk").values_list("slug", flat=True)[:20])
print("JSON " + json.dumps({"cookies": cookies, "ids": ids, "slugs": slugs}))
"""


class Command(BaseCommand):
    help = "Mesure la tenue du site sous charge (make reliability) ; rapport dans var/reliability/."

    def add_arguments(self, parser):
        parser.add_argument("--examples", type=int, default=24_000)
        parser.add_argument("--seconds", type=int, default=60, help="durée de chaque charge")
        parser.add_argument("--restart-at", type=int, default=20, help="seconde du redémarrage")
        parser.add_argument("--phases", default="all", help=", ".join(PHASES))

    def handle(self, *args, examples, seconds, restart_at, phases, **options):
        if connection.vendor != "postgresql" or not os.environ.get("PG_RESTART_COMMAND"):
            raise CommandError("À lancer par « make reliability » (PostgreSQL jetable).")
        try:
            phases = parse_phases(phases)
        except ValueError as error:
            raise CommandError(str(error)) from None
        OUT.mkdir(parents=True, exist_ok=True)
        self.results = {"examples": examples, "seconds": seconds}
        self.prepare(examples)
        paths, large = self.mixed_paths(), self.large_exports()
        connections.close_all()  # the cluster restarts under us
        port = servers.free_port()
        env = os.environ | {"DJANGO_CLIENT_IP_HEADER": "X-Real-IP"}
        loaded = {"load", "restart", "exports", "import"} & set(phases)
        with self.application(port, env, "postgresql") if loaded else contextlib.nullcontext():
            if "load" in phases:
                self.say(f"1/8 charge mixte : wrk, {load.CONNECTIONS} connexions, {seconds} s")
                self.results["mixed"] = load.run(port, paths, seconds=seconds, workdir=OUT)
            if "restart" in phases:
                self.say(f"2/8 même charge, PostgreSQL redémarré à {restart_at} s")
                self.results["restart"] = self.with_restart(port, paths, seconds, restart_at)
            if "exports" in phases:
                self.say(f"3/8 {len(large)} exports volumineux simultanés, /healthz interrogé")
                self.results["exports"] = self.exports_at_once(port, large)
            if "import" in phases:
                self.say(f"4/8 import de {IMPORT_ROWS} lignes par l'administration")
                self.results["import"] = self.large_import(port)
        if "sqlite" in phases:
            self.say(f"5/8 défaut SQLite : 5 lecteurs et 5 curateurs pendant {seconds} s")
            self.results["sqlite"] = self.sqlite_writers(seconds)
        self.results |= worker_phases(
            phases, env=env, out=OUT, gunicorn_args=GUNICORN, import_file=self.import_file,
            say=self.say,
        )  # fmt: skip
        (OUT / "report.json").write_text(json.dumps(self.results, indent=2, ensure_ascii=False))
        report_text = report(self.results, gunicorn=GUNICORN, lease=settings.JOB_LEASE_SECONDS)
        (OUT / "report.md").write_text(report_text)
        self.stdout.write(report_text)

    def say(self, message):
        self.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}")

    # --- setting up ----------------------------------------------------------------------

    def prepare(self, examples):
        current = Example.objects.count()
        if current < examples:
            self.say(f"génération de {examples - current} exemples publiés")
            with open(os.devnull, "w") as quiet:
                call_command("generate_demo_data", count=examples - current, seed=SEED,
                             all_published=True, stdout=quiet)  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    @staticmethod
    def mixed_paths():
        published = Example.objects.published().order_by("pk")
        count = published.count()
        slugs = [published[count * i // 12].slug for i in range(12)]
        actors = Partnership.objects.filter(example__slug__in=slugs[:3]).select_related("actor")
        small = "q=bagagerie"
        return [
            "/", "/exemples/", "/exemples/?page=3", "/exemples/?q=solidaire",
            "/exemples/?q=jardnis", "/exemples/?q=bagagerie", "/exemples/?q=ecole&tri=titre",
            "/exemples/?territoire=region-32&type_acteur=association",
            "/exemples/?odd=4&echelle=local", "/territoires/region-32/",
            "/territoires/?q=lille", "/acteurs/",
            *(f"/exemples/{slug}/" for slug in slugs),
            *(p.actor.get_absolute_url() for p in actors[:3]),
            f"/exemples/export.csv?{small}", f"/exemples/export.xlsx?{small}",
            f"/exemples/export.ods?{small}", "/exemples/export.xlsx?odd=4",
        ]  # fmt: skip

    @staticmethod
    def large_exports():
        """Ten visitors' large lists: six CSV streamed in full, four XLSX/ODS near the cap."""

        def size(query):
            return ExampleFilterSet(QueryDict(query)).qs.count()

        near_cap = sorted(
            (f"odd={n}" for n in range(1, 18)),
            key=lambda q: abs(size(q) - settings.EXPORT_MAX_ROWS_SPREADSHEET * 0.6),
        )
        csv = ["", "echelle=local", "echelle=departemental", "odd=4", "odd=11", "odd=17"]
        return [
            *(f"/exemples/export.csv?{q}" for q in csv),
            *(f"/exemples/export.{ext}?{q}" for ext, q in zip(
                ("xlsx", "ods", "xlsx", "ods"), near_cap[:2] * 2, strict=True)),
        ]  # fmt: skip

    @contextlib.contextmanager
    def application(self, port, env, label):
        """gunicorn and the task worker, stopped however the phase ends."""
        command = [sys.executable, "-m", "gunicorn", "impact_alliances.wsgi:application",
                   "--bind", f"{timing.HOST}:{port}", *GUNICORN]  # fmt: skip
        with open(OUT / f"worker-{label}.log", "w") as log:
            worker = Supervised(
                [sys.executable, "manage.py", "db_worker", "--interval", "1"], log, env
            )
            worker.start()
            try:
                with servers.running("gunicorn", command, port=port, probe="/healthz",
                                     log_path=OUT / f"gunicorn-{label}.log", env=env):  # fmt: skip
                    yield
            finally:
                worker.stop()
                self.results.setdefault("worker_restarts", {})[label] = worker.restarts

    # --- the phases ----------------------------------------------------------------------

    def with_restart(self, port, paths, seconds, restart_at):
        watcher = client.Watcher(port, every=0.1)
        restart = {}

        def restart_postgres():
            restart["at"] = time.monotonic()
            # No pipes: the new server would inherit them and keep run() waiting.
            done = subprocess.run(
                shlex.split(os.environ["PG_RESTART_COMMAND"]), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=120, check=False,
            )  # fmt: skip
            restart["seconds"] = time.monotonic() - restart["at"]
            restart["ok"] = done.returncode == 0

        timer = threading.Timer(restart_at, restart_postgres)
        watcher.start()
        timer.start()
        try:
            figures = load.run(port, paths, seconds=seconds, workdir=OUT)
        finally:
            timer.cancel()
            health = watcher.stop()
        recovered = (
            watcher.recovered - restart["at"] if watcher.recovered and "at" in restart else None
        )
        return {
            **figures,
            "restart_ok": restart.get("ok"),
            "restart_seconds": restart.get("seconds"),
            "healthz": health,
            "healthz_back_after_s": recovered,
        }

    def exports_at_once(self, port, paths):
        watcher = client.Watcher(port, every=0.2)
        watcher.start()
        deadline = time.monotonic() + 300
        outcomes = [None] * len(paths)

        def one(index, path):
            address = f"10.99.0.{index + 1}"
            outcomes[index] = (path, *client.export(port, path, address, deadline=deadline))

        threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(paths)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1, deadline - time.monotonic()))
        return {
            "healthz": watcher.stop(),
            "exports": [
                {"path": p, "outcome": o, "status": s, "bytes": b, "seconds": t}
                for p, o, s, b, t in filter(None, outcomes)
            ],
        }

    @staticmethod
    def import_file(rows):
        """An XLSX of `rows` new examples, as the import bench makes them."""
        bench_import.ensure_actors()
        return FORMAT_BY_EXTENSION["xlsx"]().export_data(bench_import.make_rows(rows))

    def large_import(self, port):
        user, _ = get_user_model().objects.get_or_create(
            username=bench_import.BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
        )
        bench_import.ensure_actors()
        content = FORMAT_BY_EXTENSION["xlsx"]().export_data(bench_import.make_rows(IMPORT_ROWS))
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        connections.close_all()
        figures = client.import_through_admin(
            port, cookie, "import-20000.xlsx", content, deadline=time.monotonic() + 900
        )
        figures["rows"] = IMPORT_ROWS
        figures["written"] = Example.objects.filter(created_by=user).count()
        return figures

    def sqlite_writers(self, seconds):
        with tempfile.TemporaryDirectory(prefix="fiabilite-sqlite-") as folder:
            env = os.environ | {"DATABASE_URL": f"sqlite:///{folder}/catalogue.sqlite3"}
            env.pop("PG_RESTART_COMMAND", None)
            manage = [sys.executable, "manage.py"]
            for step in (["migrate", "--noinput", "-v", "0"], ["load_reference_data", "-v", "0"],
                         ["generate_demo_data", "--count", "1200", "--seed", "17"]):  # fmt: skip
                subprocess.run([*manage, *step], env=env, check=True, capture_output=True)
            made = subprocess.run([*manage, "shell", "-c", SQLITE_SESSIONS], env=env, check=True,
                                  capture_output=True, text=True)  # fmt: skip
            line = next(x for x in made.stdout.splitlines() if x.startswith("JSON "))
            setup = json.loads(line.removeprefix("JSON "))
            port = servers.free_port()
            readers, curators = visitors.Tally(), visitors.Tally()
            reader_paths = ["/exemples/", "/exemples/?q=jardin", "/territoires/region-32/",
                            *(f"/exemples/{slug}/" for slug in setup["slugs"])]  # fmt: skip
            with self.application(port, env, "sqlite"):
                deadline = time.monotonic() + seconds
                threads = [
                    *(threading.Thread(target=visitors.reader,
                                       args=(port, reader_paths, readers, deadline))
                      for _ in range(5)),
                    *(threading.Thread(target=visitors.curator,
                                       args=(port, cookie, setup["ids"], curators, deadline, n))
                      for n, cookie in enumerate(setup["cookies"])),
                ]  # fmt: skip
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(seconds + 120)
            log = (OUT / "gunicorn-sqlite.log").read_text(errors="replace")
        return {
            "readers": readers.counts,
            "curators": curators.counts,
            "locked_in_pages": readers.locked + curators.locked,
            "locked_in_log": log.count("database is locked"),
        }


class Supervised(threading.Thread):
    """The task worker, started again one second after it exits, as systemd's
    `Restart=always` does in production (docs/deployment.md): the worker stops on a
    database error it cannot retry, such as PostgreSQL shutting down."""

    def __init__(self, command, log, env):
        super().__init__(daemon=True)
        self.command, self.log, self.env = command, log, env
        self.stopping = threading.Event()
        self.process, self.restarts = None, 0

    def run(self):
        while not self.stopping.is_set():
            self.process = subprocess.Popen(
                self.command, stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
                start_new_session=True,
            )  # fmt: skip
            self.process.wait()
            if self.stopping.wait(1):
                return
            self.restarts += 1

    def stop(self):
        self.stopping.set()
        if self.process is not None:
            servers.stop(self.process)
        self.join(15)
