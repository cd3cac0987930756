"""A backup restored into an empty database gives back the whole catalogue (docs/deployment.md).

The test runs the documented procedure on the database the suite runs on: on PostgreSQL,
`pg_dump -Fc` then `pg_restore` into a new database, with the binaries of the running
server's version; on SQLite, the online backup API (what `sqlite3 … ".backup …"` does).
The source is a database of its own, migrated and filled for the test, so that the dump
sees committed data and the suite's test database is left alone.
"""

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_settings import run_manage

FILL = """
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command

from catalogue import services
from catalogue.choices import ActorType, ExampleStatus, PartnerRole
from catalogue.models import Actor, Domain, Example, Objective, Partnership
from territoires.models import Territory

call_command("loaddata", "objectives", "domains", "partnership_types", verbosity=0)
france = Territory.objects.create(
    level="pays", code="FR", name="France", slug="pays-fr", path="/pays-fr/"
)
curator = User.objects.create_user("curatrice", is_staff=True)
actors = [
    Actor.objects.create(
        name="Les Jardins de Cocagne", actor_type=ActorType.ASSOCIATION, territory=france
    ),
    Actor.objects.create(
        name="Fondation Agir", actor_type=ActorType.FONDATION, territory=france,
        siren="732829320",
    ),
    Actor.objects.create(
        name="Ville d'Arras", actor_type=ActorType.COLLECTIVITE, territory=france
    ),
]
titles = ["Jardin partagé de l'école Jean-Macé", "Cantine solidaire", "Atelier vélo"]
for number, title in enumerate(titles):
    example = Example(
        title=title,
        summary=f"Résumé numéro {number} : une alliance entre acteurs différents.",
        territory=france,
        start_year=2018 + number,
        status=ExampleStatus.BROUILLON,
    )
    services.save_example(example=example, user=curator, is_new=True)
    LogEntry.objects.log_actions(curator.pk, [example], ADDITION, change_message="Ajouté.")
    for position, actor in enumerate(actors[: number + 1]):
        Partnership.objects.create(
            example=example, actor=actor, role=list(PartnerRole)[position], position=position
        )
    example.domains.set(Domain.objects.order_by("slug")[number : number + 2])
    example.objectives.set(Objective.objects.filter(family="odd", number__in=[2, 17]))
services.set_status(
    examples=list(Example.objects.all()), user=curator, status=ExampleStatus.PUBLIE
)
"""

SUMMARY = """
import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User

from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Actor, Example, Partnership

examples = Example.objects.order_by("reference")
print(json.dumps({
    "examples": [
        [e.reference, e.slug, e.title, e.summary, e.status, e.start_year, e.version,
         e.created_by.username, str(e.created_at),
         sorted(e.domains.values_list("slug", flat=True)),
         sorted(e.objectives.values_list("number", flat=True))]
        for e in examples
    ],
    "actors": list(Actor.objects.order_by("slug").values_list("slug", "name", "siren")),
    "partnerships": list(
        Partnership.objects.order_by("example__reference", "position")
        .values_list("example__reference", "actor__slug", "role")
    ),
    "history": list(
        LogEntry.objects.order_by("id").values_list(
            "user__username", "object_repr", "action_flag", "change_message"
        )
    ),
    "users": list(User.objects.values_list("username", "is_staff")),
    "search": sorted(ExampleFilterSet({"q": "écoles"}).qs.values_list("title", flat=True)),
}, default=str))
"""


def on_postgresql():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def production_env(database_url):
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "backup-test-only-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://alliances.example.org",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def manage(database_url, *args):
    result = run_manage(*args, **production_env(database_url))
    assert result.returncode == 0, result.stderr
    return result.stdout


def fill_and_summarise(database_url):
    manage(database_url, "migrate", "--noinput", "-v", "0")
    manage(database_url, "shell", "-v", "0", "-c", FILL)
    return summarise(database_url)


def summarise(database_url):
    return json.loads(manage(database_url, "shell", "-v", "0", "-c", SUMMARY))


def check_complete(restored, original):
    assert len(original["examples"]) == 3
    assert len(original["actors"]) == 3
    assert len(original["partnerships"]) == 6
    assert len(original["history"]) == 6  # 3 additions, then 3 publications
    assert original["search"] == ["Jardin partagé de l'école Jean-Macé"]
    assert restored == original


# SQLite


def sqlite_backup(source: Path, target: Path):
    """What `sqlite3 catalogue.sqlite3 ".backup copie.sqlite3"` does, from Python."""
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    live.close()
    copy.close()


# PostgreSQL


def postgres_params():
    database = settings.DATABASES["default"]
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": str(database["PORT"] or 5432),
        "user": database["USER"],
        "password": database["PASSWORD"],
    }


def server_bindir(params):
    """The folder of the running server's own pg_dump and pg_restore (same major version)."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        major = connection.execute("SHOW server_version_num").fetchone()[0][:-4]
        candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if os.environ.get("PG_BINDIR"):
        candidates.insert(0, Path(os.environ["PG_BINDIR"]))
    if shutil.which("pg_dump"):
        candidates.append(Path(shutil.which("pg_dump")).parent)
    for candidate in candidates:
        if (candidate / "pg_dump").exists() and (candidate / "pg_restore").exists():
            return candidate
    pytest.fail(
        f"pg_dump et pg_restore de PostgreSQL {major} introuvables "
        f"(paquet postgresql-client-{major}, ou PG_BINDIR).",
        pytrace=False,
    )


def run_postgres_tool(tool, params, *args):
    environment = {**os.environ, "PGPASSWORD": params["password"] or ""}
    connection = ["-h", params["host"], "-p", params["port"], "-U", params["user"]]
    result = subprocess.run(
        [str(tool), *connection, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def database_url(params, name):
    password = f":{params['password']}" if params["password"] else ""
    return f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"


def test_backup_restored_into_an_empty_database_gives_everything_back(tmp_path):
    if not on_postgresql():
        source, copy = tmp_path / "catalogue.sqlite3", tmp_path / "restauree.sqlite3"
        original = fill_and_summarise(f"sqlite:///{source}")
        sqlite_backup(source, copy)
        check_complete(summarise(f"sqlite:///{copy}"), original)
        return

    params = postgres_params()
    bindir = server_bindir(params)
    suffix = secrets.token_hex(4)
    source, restored = f"ia_sauvegarde_{suffix}", f"ia_restauree_{suffix}"
    dump = tmp_path / "catalogue.dump"
    try:
        run_postgres_tool(bindir / "createdb", params, source)
        original = fill_and_summarise(database_url(params, source))
        run_postgres_tool(bindir / "pg_dump", params, "-Fc", "-f", str(dump), source)
        run_postgres_tool(bindir / "createdb", params, restored)
        run_postgres_tool(
            bindir / "pg_restore",
            params,
            "--no-owner",
            "--exit-on-error",
            "-d",
            restored,
            str(dump),
        )
        check_complete(summarise(database_url(params, restored)), original)
    finally:
        for name in (source, restored):
            run_postgres_tool(bindir / "dropdb", params, "--if-exists", "--force", name)
