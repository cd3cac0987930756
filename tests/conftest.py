import pytest
from django.core.cache import cache
from django.core.management import call_command

from territoires.models import Territory


def pytest_collection_modifyitems(config, items):
    """A test marked for one database is deselected on the other's run (`make test` runs
    both): it is not skipped, it belongs to the other run."""
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real reference data, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page, facet index, export limit or reference
    lists of the tests before it (a test that adds a domain by hand renews no version)."""
    from catalogue import filtersets

    cache.clear()
    filtersets._references.update(stamp=None, lists=None)


@pytest.fixture
def page_cache(settings):
    """Public pages cached as in production (the settings of the tests turn it off)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def curator(client):
    """A member of the Curateurs group, logged in on `client`."""
    from .factories import CuratorFactory

    user = CuratorFactory()
    client.force_login(user)
    return user


@pytest.fixture
def lille(db):
    return Territory.objects.get(slug="commune-59350")


@pytest.fixture
def hauts_de_france(db):
    return Territory.objects.get(slug="region-32")


@pytest.fixture
def site_pages(db):
    """The pages a public site owes, as the data migration writes them (a browser test's
    flush empties every table)."""
    from pages.texts import install_default_pages

    install_default_pages()


@pytest.fixture(autouse=True)
def primary_only(request):
    """With a replica configured (`make test-postgres`), tests read the primary: a replica
    lags behind by design; tests/test_replica.py reads it."""
    from django.conf import settings

    if "replica" in settings.DATABASES:
        request.getfixturevalue("settings").DATABASE_ROUTERS = []
