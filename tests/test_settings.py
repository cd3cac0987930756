"""The settings refuse to start in production mode without what production needs."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage_environment(**env):
    """This process's environment without the settings it has, plus `env`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "SITE_URL"}
    }
    environment.update(env)
    return environment


def run_manage(*args, **env):
    environment = manage_environment(**env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_requires_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_requires_allowed_hosts():
    result = run_manage("check", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_requires_site_url():
    result = run_manage("check", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SITE_URL est obligatoire hors mode debug" in result.stderr
    assert "Traceback" not in result.stderr


def test_site_url_must_be_a_full_address():
    result = run_manage(
        "check",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="alliances.example.org",
    )
    assert result.returncode != 0
    assert "SITE_URL doit être une adresse complète" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_starts_with_all_three():
    result = run_manage(
        "check",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
    )
    assert result.returncode == 0, result.stderr


def test_bad_database_url_gives_one_clear_line():
    result = run_manage("check_database", DJANGO_DEBUG="true", DATABASE_URL="mysql//oops")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_replica_of_the_sqlite_default_gives_one_clear_line():
    result = run_manage(
        "check_database",
        DJANGO_DEBUG="true",
        DATABASE_REPLICA_URL="postgres://nobody@127.0.0.1:9/impact_alliances",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_postgresql_gives_one_clear_line():
    result = run_manage(
        "check_database",
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/impact_alliances",
    )
    assert result.returncode != 0
    assert "ne répond pas" in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
