"""The embedded default (SQLite) takes a small team's concurrent writes: no "database is locked".

Ten processes, as ten gunicorn workers would be, each with its own connection to one SQLite
file migrated for the test, create examples, edit the same few examples (optimistic locking
on) and run the admin's bulk action (which writes the history) for a few seconds, all at once.
"""

import json
import subprocess
import sys
import time

from tests.test_settings import ROOT, manage_environment, run_manage

WORKERS = 10
WRITE_SECONDS = 4

SETUP = """
from django.contrib.auth.models import User
from catalogue.models import Example
from territoires.models import Territory

france = Territory(level="pays", code="FR", name="France", slug="pays-fr", path="/pays-fr/")
france.save()
for number in range(%(workers)d):
    User.objects.create_user(f"curatrice{number}", is_staff=True)
    Example.objects.create(title=f"Exemple partagé {number}", territory=france, start_year=2020)
"""

WORKER = """
import json, os, sys, time
from pathlib import Path

import django

django.setup()
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from catalogue import services
from catalogue.models import Example
from territoires.models import Territory

number, gate, seconds = int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
user = User.objects.get(username=f"curatrice{number}")
france = Territory.objects.get(slug="pays-fr")
shared = list(
    Example.objects.filter(title__startswith="Exemple partagé").values_list("pk", flat=True)
)
(gate / f"ready-{number}").touch()
while not (gate / "go").exists():
    time.sleep(0.01)
deadline = time.monotonic() + seconds
done = {"created": 0, "edited": 0, "stale": 0, "action": 0, "read": 0}
errors = {}
step = 0
while time.monotonic() < deadline:
    step += 1
    try:
        if step % 4 == 0:
            example = Example(
                title=f"Nouvel exemple {number}-{step}", territory=france, start_year=2021
            )
            services.save_example(example=example, user=user, is_new=True)
            done["created"] += 1
        elif step % 4 == 1:
            # The admin's change form: read, then save with the version the form was opened at.
            example = Example.objects.get(pk=shared[step % len(shared)])
            example.summary = f"Modifié par {user.username} ({step})"
            try:
                services.save_example(
                    example=example, user=user, is_new=False, expected_version=example.version
                )
                done["edited"] += 1
            except ValidationError:
                done["stale"] += 1  # refused as outdated: the promised answer, not an error
        elif step % 4 == 2:
            # The admin's bulk action: several examples and their history lines, one transaction.
            with transaction.atomic():
                examples = list(Example.objects.filter(pk__in=shared[:3]))
                services.mark_verified(examples=examples, user=user)
            done["action"] += 1
        else:
            Example.objects.filter(status="brouillon").count()
            done["read"] += 1
    except Exception as error:
        key = f"{type(error).__name__}: {error}"
        errors[key] = errors.get(key, 0) + 1
print(json.dumps({"done": done, "errors": errors}))
"""

CHECK = """
from django.contrib.admin.models import LogEntry
from django.db import connection
from catalogue.models import Example

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
print(mode, Example.objects.count(), LogEntry.objects.count())
"""


def production_env(database):
    return {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SECRET_KEY": "concurrency-test-only-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://alliances.example.org",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def test_ten_concurrent_writers_never_see_database_is_locked(tmp_path):
    database = tmp_path / "catalogue.sqlite3"
    env = production_env(database)
    migrated = run_manage("migrate", "--noinput", "-v", "0", **env)
    assert migrated.returncode == 0, migrated.stderr
    setup = run_manage("shell", "-v", "0", "-c", SETUP % {"workers": WORKERS}, **env)
    assert setup.returncode == 0, setup.stderr

    gate = tmp_path / "gate"
    gate.mkdir()
    environment = manage_environment(**env, DJANGO_SETTINGS_MODULE="impact_alliances.settings")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(number), str(gate), str(WRITE_SECONDS)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(WORKERS)
    ]
    try:
        started = time.monotonic()
        while len(list(gate.glob("ready-*"))) < WORKERS:
            dead = [worker for worker in workers if worker.poll() is not None]
            assert not dead, dead[0].communicate()[1]
            assert time.monotonic() - started < 120, "workers too slow to start"
            time.sleep(0.05)
        (gate / "go").touch()
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    reports = []
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
        reports.append(json.loads(stdout.strip().splitlines()[-1]))
    errors = {}
    for report in reports:
        for message, count in report["errors"].items():
            errors[message] = errors.get(message, 0) + count
    assert errors == {}
    # Every worker wrote, and every write it counted is in the database.
    assert all(sum(report["done"].values()) > report["done"]["read"] for report in reports), reports
    created = sum(report["done"]["created"] for report in reports)
    actions = sum(report["done"]["action"] for report in reports)
    check = run_manage("shell", "-v", "0", "-c", CHECK, **env)
    assert check.returncode == 0, check.stderr
    mode, examples, history = check.stdout.split()
    assert mode == "wal"
    assert int(examples) == WORKERS + created
    assert int(history) == 3 * actions
