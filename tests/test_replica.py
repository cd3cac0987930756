"""Public reads on a real PostgreSQL streaming replica, writes and the public version on the
primary, and nothing keyed by a version built from a replica that has not replayed it.

Runs in `make test-postgres`, where scripts/with-replica.sh starts a replica of the throwaway
primary (DATABASE_REPLICA_URL). The "replica" alias is a test mirror: it reads, on the
replica server, the test database the primary replicates to it. The tests commit
(transaction=True): what stays inside a test's transaction never reaches a replica.
"""

import gzip
import io
import os
import re
import statistics
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from catalogue import facets, services
from catalogue.choices import ExampleStatus
from core import public_version, replica

from .factories import ExampleFactory, UserFactory

if "replica" not in settings.DATABASES and connection.vendor == "postgresql":
    reason = "pas de réplique PostgreSQL (DATABASE_REPLICA_URL) : voir `make test-postgres`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Réplique obligatoire en CI sur PostgreSQL : {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

# On SQLite, deselected (tests/conftest.py).
pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

# The territories these tests show: Lille and everything above it.
TERRITORY_SLUGS = {"pays-fr", "region-32", "departement-59", "epci-200093201", "commune-59350"}
REPLAY_TIMEOUT = 10  # seconds


@pytest.fixture(autouse=True)
def primary_only():
    """Overrides tests/conftest.py: this module reads the replica."""


@pytest.fixture(scope="module", autouse=True)
def full_reference_data_after(django_db_blocker):
    """Each test ends with a flush (transaction=True): the rest of the suite gets the full
    reference data back."""
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="module")
def territory_slice(tmp_path_factory):
    source = settings.BASE_DIR / "fixtures" / "territories.csv.gz"
    target = tmp_path_factory.mktemp("replica") / "territories.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as raw, gzip.open(target, "wt") as out:
        header = raw.readline()
        out.write(header)
        level, code = header.strip().split(",").index("level"), header.split(",").index("code")
        for line in raw:
            cells = line.split(",")
            if f"{cells[level]}-{cells[code]}".lower() in TERRITORY_SLUGS:
                out.write(line)
    return target


@pytest.fixture
def reference_data(territory_slice):
    """Reference lists and the territories around Lille (a flush emptied them, or not)."""
    from territoires.models import Territory

    call_command("loaddata", "objectives", "domains", "partnership_types", verbosity=0)
    if not Territory.objects.filter(slug="commune-59350").exists():
        call_command("load_territories", file=territory_slice, stdout=io.StringIO())


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    facets._index["value"] = None
    yield
    cache.clear()
    facets._index["value"] = None


def replayed(number) -> float:
    """Seconds until the replica has replayed public version `number`."""
    start = time.perf_counter()
    while replica.replica_number() < number:
        if time.perf_counter() - start > REPLAY_TIMEOUT:
            pytest.fail(f"La réplique n'a pas rejoué la version {number} en {REPLAY_TIMEOUT} s.")
        time.sleep(0.001)
    return time.perf_counter() - start


def replica_sql(sql):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def tables(queries) -> set[str]:
    """The tables that `queries` read or write."""
    return {
        name
        for query in queries
        for name in re.findall(r'(?:FROM|JOIN|UPDATE|INTO) "(\w+)"', query["sql"])
    }


def test_replica_serves_public_reads_and_the_primary_writes_and_versions(
    client, reference_data, page_cache
):
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        example = ExampleFactory(title="Verger partagé")
    assert not on_replica.captured_queries  # a write never touches the replica
    replayed(public_version.state()[0])

    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        page = client.get("/exemples/").content.decode()
        detail = client.get(example.get_absolute_url())
    assert "Verger partagé" in page and detail.status_code == 200
    # The primary answers the public version and the change log only; the replica, the rest.
    assert tables(on_primary.captured_queries) <= {
        "catalogue_catalogueversion",
        "catalogue_cataloguechange",
    }
    assert "catalogue_example" in tables(on_replica.captured_queries)
    # The replica's version is read only to compare it, never to key anything.
    assert not any('"stamp"' in query["sql"] for query in on_replica.captured_queries)

    client.force_login(UserFactory())  # any logged-in user: no group needed after a flush
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert "Verger partagé" in client.get("/exemples/").content.decode()
    assert not on_replica.captured_queries  # a curator sees their own writes


def publish_lags(count) -> list[float]:
    """Seconds from each of `count` publishes' commit to the replica having replayed it."""
    lags = []
    for _ in range(count):
        draft = ExampleFactory(status=ExampleStatus.BROUILLON)
        services.set_status(examples=[draft], user=None, status=ExampleStatus.PUBLIE)
        lags.append(replayed(public_version.state()[0]))
    return lags


def test_replica_shows_a_publish_once_replayed(client, reference_data, page_cache):
    # The throwaway primary commits with synchronous_commit=off (scripts/with-postgres.sh):
    # its WAL reaches the replica when the WAL writer flushes it (wal_writer_delay, 200 ms).
    # Production commits with synchronous_commit=on: measured on a session set so.
    relaxed = publish_lags(5)
    with connections["default"].cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
    try:
        durable = publish_lags(10)
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    ExampleFactory(title="Verger partagé")
    replayed(public_version.state()[0])

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = client.get("/exemples/").content.decode()  # a new version: not cached yet
    assert "Verger partagé" in page
    assert "catalogue_example" in tables(on_replica.captured_queries)
    for name, lags in (("synchronous_commit=on", durable), ("synchronous_commit=off", relaxed)):
        print(
            f"\nPublication visible sur la réplique ({name}, {len(lags)} publications) : "
            f"médiane {statistics.median(lags) * 1000:.1f} ms, max {max(lags) * 1000:.1f} ms"
        )


def test_replica_behind_a_publish_never_caches_its_stale_data(client, reference_data, page_cache):
    ExampleFactory(title="Verger partagé")
    replayed(public_version.state()[0])
    assert "Verger partagé" in client.get("/exemples/").content.decode()

    replica_sql("SELECT pg_wal_replay_pause()")
    try:
        while replica_sql("SELECT pg_get_wal_replay_pause_state()") != "paused":
            time.sleep(0.001)
        draft = ExampleFactory(title="Ressourcerie nouvelle", status=ExampleStatus.BROUILLON)
        services.set_status(examples=[draft], user=None, status=ExampleStatus.PUBLIE)
        number, stamp = public_version.state()
        assert replica.replica_number() < number  # the replica has not seen the publish

        page = client.get("/exemples/").content.decode()
        assert "Ressourcerie nouvelle" in page  # read on the primary, this once
        cached, _headers = cache.get(f"page:{stamp}:/exemples/")
        assert "Ressourcerie nouvelle" in cached.decode()
        facets._index["value"] = None
        with replica.replica_reads():  # as a page that is not cached (the API) builds it
            index = facets.current_index()
        assert (index.number, draft.pk in index.all) == (number, True)
        assert client.get(draft.get_absolute_url()).status_code == 200
    finally:
        replica_sql("SELECT pg_wal_replay_resume()")
    paused_for = replayed(number)
    print(f"\nRéplique en pause puis relancée : rattrapée en {paused_for * 1000:.1f} ms")

    cache.clear()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert "Ressourcerie nouvelle" in client.get("/exemples/").content.decode()
    assert "catalogue_example" in tables(on_replica.captured_queries)
