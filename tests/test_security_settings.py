"""Production settings: HTTPS, Content-Security-Policy, logs, and the admin login throttling."""

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY

from tests.factories import UserFactory
from tests.test_settings import run_manage

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "alliances.example.org",
    "SITE_URL": "https://alliances.example.org",
}
LOCKED_MESSAGE = "Trop de tentatives de connexion échouées"


def production_settings(*names, **env):
    """The values of `names` as the settings module computes them from a production env."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_manage("shell", "-v", "0", "-c", code, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_turned_off():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SSL_REDIRECT="false", **PRODUCTION
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_defaults_are_https_only():
    values = production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_proxy_header_comes_from_the_environment():
    assert production_settings("SECURE_PROXY_SSL_HEADER", DJANGO_PROXY_SSL_HEADER="X-Scheme") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_SCHEME", "https"]
    }
    assert production_settings("SECURE_PROXY_SSL_HEADER", DJANGO_PROXY_SSL_HEADER="") == {
        "SECURE_PROXY_SSL_HEADER": None
    }


def test_debug_mode_stays_on_plain_http():
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; "
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SITE_URL)",
        DJANGO_DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0", "http://127.0.0.1:8000"]


def test_database_connections_are_checked_before_reuse():
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_logs_carry_time_level_and_logger():
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "import logging; logging.getLogger('catalogue.essai').warning('bonjour')",
        **PRODUCTION,
    )
    line = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} WARNING catalogue\.essai bonjour", line
    ), line


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/exemples/?q=ecole")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/exemples/?q=ecole"
    # The reverse proxy says the visitor came over HTTPS.
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# Content-Security-Policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/exemples/", "/odd/4/", "/admin/login/"])
def test_every_page_forbids_inline_script_and_style(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(item.strip().split(" ", 1) for item in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy
    assert "script-src" not in directives and "style-src" not in directives


INLINE = re.compile(
    r"""\sstyle\s*=|<style\b|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|javascript:""",
    re.IGNORECASE,
)


def test_templates_hold_no_inline_script_or_style():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []


def test_every_objective_has_its_colour_class_in_the_stylesheet():
    """The colours of fixtures/objectives.json, written out in site.css: they never drift."""
    stylesheet = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    declared = {
        name: colour.upper()
        for name, colour in re.findall(
            r"\.objective-([a-z]+-\d+)\s*\{\s*--badge-color:\s*(#[0-9A-Fa-f]{6});", stylesheet
        )
    }
    objectives = json.loads((ROOT / "fixtures" / "objectives.json").read_text(encoding="utf-8"))
    expected = {
        f"{item['fields']['family']}-{item['fields']['number']}": item["fields"]["color"].upper()
        for item in objectives
    }
    assert len(expected) == 21
    assert declared == expected


@pytest.mark.django_db
def test_objective_badges_use_their_class(client):
    content = client.get("/").content.decode()
    for number in range(1, 18):
        assert f'class="odd-tile objective-odd-{number}"' in content
    assert "objective-odd-4" in client.get("/odd/4/").content.decode()


# Admin login throttling (django-axes)


@pytest.fixture
def curators(db, settings):
    # The default hasher costs a second per attempt on a small machine; not what is tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(username="curatrice"), UserFactory(username="collegue")


def log_in(client, username, password="mot-de-passe-essai", address="192.0.2.10", **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def test_login_is_locked_after_five_failures_with_429_and_retry_after(client, curators):
    for attempt in range(1, 5):
        response = log_in(client, "curatrice", "mauvais")
        assert response.status_code == 200, attempt
        content = response.content.decode()
        assert 'class="errornote"' in content  # the admin's usual "wrong password"
        assert LOCKED_MESSAGE not in content
    for _attempt in (5, 6):
        response = log_in(client, "curatrice", "mauvais")
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        content = response.content.decode()
        assert LOCKED_MESSAGE in content
        assert "bloquée pendant 15 minutes" in content
    # The right password is refused while the lock lasts.
    response = log_in(client, "curatrice")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_lockout_spares_other_users_and_other_addresses(client, curators, django_user_model):
    for _attempt in range(6):
        log_in(client, "curatrice", "mauvais")
    assert log_in(client, "curatrice").status_code == 429
    response = log_in(client, "collegue")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.logout()
    response = log_in(client, "curatrice", address="198.51.100.7")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_lockout_ends_after_fifteen_minutes(client, curators):
    for _attempt in range(5):
        log_in(client, "curatrice", "mauvais")
    assert log_in(client, "curatrice").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, "curatrice").status_code == 302


def test_address_comes_from_the_proxy_header_when_one_is_named(client, curators, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _attempt in range(5):
        log_in(client, "curatrice", "mauvais", address="127.0.0.1", HTTP_X_REAL_IP="192.0.2.10")
    locked = log_in(client, "curatrice", address="127.0.0.1", HTTP_X_REAL_IP="192.0.2.10")
    assert locked.status_code == 429
    # Another visitor behind the same proxy is not locked out with the first.
    response = log_in(client, "curatrice", address="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
    assert response.status_code == 302
