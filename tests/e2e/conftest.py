"""Browser tests: Debian's chromium, driven by Playwright, against the live server on 127.0.0.1.

Reference data and transactional tests: `live_server` needs `transactional_db`, which empties
every table after each test, reference data included. So each browser test first loads the
small slice of reference data it uses (`reference_data`, a few milliseconds), and the e2e
package, once finished, reloads the full reference data that the rest of the suite expects.
"""

import csv
import gzip
import io
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command

from .browser import CHROMIUM, DESKTOP, INSTALL_HINT, launch_chromium

# The territories the browser tests show: Lille and everything above it, and its EPCI.
TERRITORY_SLUGS = {"pays-fr", "region-32", "departement-59", "epci-200093201", "commune-59350"}


def browser_unavailable(reason):
    """Skip locally, but fail under CI=true: a CI run must not look green without its browser."""
    message = f"Tests navigateur impossibles : {reason} ; {INSTALL_HINT}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package", autouse=True)
def browser_tests_scope(django_db_blocker):
    """What the browser tests change for the session, and undo when they are all done.

    Playwright's sync API keeps an asyncio loop running in the main thread, which Django takes
    for an async context: ORM calls (the tests', pytest-django's flush) are allowed only while
    the browser tests run. Afterwards, the full reference data comes back if it was flushed.
    """
    state = SimpleNamespace(flushed=False)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield state
    if state.flushed:
        with django_db_blocker.unblock():
            call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def note_the_flush(request, browser_tests_scope):
    """A test served by live_server is transactional: the database is emptied when it ends."""
    if {"live_server", "transactional_db"} & set(request.fixturenames):
        browser_tests_scope.flushed = True


@pytest.fixture(scope="package")
def browser(browser_tests_scope):
    """Debian's chromium, headless, launched once for all the browser tests."""
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} est absent")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("le paquet Python playwright est absent")
    playwright = sync_playwright().start()
    try:
        chromium = launch_chromium(playwright, CHROMIUM)
    except Exception as error:
        playwright.stop()
        browser_unavailable(f"{CHROMIUM} ne démarre pas ({error})")
    yield chromium
    chromium.close()
    playwright.stop()


def write_territory_slice(target, slugs):
    """Write to `target` a territories file holding only `slugs`, for the territory loader."""
    source = Path(settings.BASE_DIR) / "fixtures" / "territories.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as raw, gzip.open(target, "wt") as out:
        reader = csv.DictReader(raw)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if f"{row['level']}-{row['code']}".lower() in slugs)
    return target


@pytest.fixture(scope="session")
def reference_slice(tmp_path_factory):
    """A territories file holding only TERRITORY_SLUGS, for the regular territory loader."""
    target = tmp_path_factory.mktemp("e2e") / "territories.csv.gz"
    return write_territory_slice(target, TERRITORY_SLUGS)


@pytest.fixture
def reference_data(transactional_db, reference_slice):
    """Objectives, domains, partnership types and the territories around Lille."""
    from territoires.models import Territory

    call_command("loaddata", "objectives", "domains", "partnership_types", verbosity=0)
    # Empty after the previous browser test's flush; full when a non-browser test ran last.
    if not Territory.objects.exists():
        call_command("load_territories", file=reference_slice, stdout=io.StringIO())


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time_on_in_memory_sqlite():
    """On SQLite the live server's threads share the test's one in-memory connection, which is
    not safe for two requests at once (two frames of a page deadlocked it): serve one request
    at a time there (Django then closes each connection). PostgreSQL keeps a thread each."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # The live server's own thread already uses the shared connection.
            super().__init__(*args, **kwargs)

    if connection.vendor != "sqlite":
        yield
        return
    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture
def page(browser, live_server, reference_data):
    """A fresh browser tab (own cookies) at desktop size, its base URL the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=DESKTOP, service_workers="block"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))

    def note_broken_resource(response):
        # A missing stylesheet or script would make the contrast and reflow checks meaningless.
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    tab.on("response", note_broken_resource)
    yield tab
    context.close()
    assert not errors, f"Erreurs dans la page (JavaScript, ressources) : {errors}"


@pytest.fixture
def alliance(reference_data):
    """A published example in Lille with an association and a company, and a draft beside it."""
    from catalogue.choices import ActorType, ExampleStatus, PartnerRole
    from tests.factories import ActorFactory, ExampleFactory

    association = ActorFactory(name="Les Petits Débrouillards Hauts-de-France")
    company = ActorFactory(name="Numérique Solidaire SA", actor_type=ActorType.ENTREPRISE)
    ExampleFactory(title="Atelier de l'école en brouillon", status=ExampleStatus.BROUILLON)
    return ExampleFactory(
        title="École du numérique partagée",
        summary="Une association et une entreprise ouvrent ensemble une école du code à Lille.",
        description="Des salariés bénévoles encadrent des jeunes éloignés de l'emploi.",
        partners=[(association, PartnerRole.PORTEUR), (company, PartnerRole.FINANCEUR)],
        domains=["education-et-jeunesse", "numerique"],
        odd=[4, 17],
        alliance=[3],
    )


@pytest.fixture
def admin_page(page, django_user_model, settings):
    """The browser tab, logged in to the admin as a superuser through the login form."""
    # The default hasher costs seconds per login on a small machine; strength is not tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser(
        "curatrice", "curatrice@example.org", "mot-de-passe-de-test-42"
    )
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("curatrice")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test-42")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    return page
