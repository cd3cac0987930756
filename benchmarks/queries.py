"""What the database does for one page: the SQL queries of one uncached request, made in
process by Django's test client, and the `EXPLAIN ANALYZE` execution time of each."""

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .timing import BenchError

MAX_EXPLAINED = 60  # the slowest queries of a page (an export makes one per batch of rows)


def clear_caches():
    """Every configured cache, so that nothing the application keeps survives a measurement."""
    for alias in settings.CACHES:
        caches[alias].clear()


def page_queries(path: str, *, user=None) -> dict:
    """{"queries": n, "db_max_ms": …, "db_sum_ms": …} for one uncached GET of `path`, and
    "results" for an admin change list.

    The database times are PostgreSQL's own "Execution Time" of each SELECT, read from
    `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON)`: what no framework could save (per-node
    timing off, since reading the clock for every row can double the time of an aggregate).
    None on SQLite.
    """
    clear_caches()
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        # A streamed response (the CSV export) runs its queries while it is read.
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    if response.status_code != 200:
        raise BenchError(f"{path} a répondu {response.status_code} (client de test).")
    selects = [
        q
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    figures = {"queries": len(captured), "db_max_ms": None, "db_sum_ms": None}
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is not None:  # an admin change list: how many examples it found
        figures["results"] = changelist.result_count
    if connection.vendor == "postgresql" and selects:
        slowest = sorted(selects, key=lambda q: float(q["time"]), reverse=True)[:MAX_EXPLAINED]
        times = [execution_ms(q["sql"]) for q in slowest]
        figures.update(db_max_ms=max(times), db_sum_ms=sum(times))
    return figures


def execution_ms(sql: str) -> float:
    """PostgreSQL's execution time of `sql`, in ms (a SELECT with its parameters inlined, as Django
    logs it with psycopg's client-side binding)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    return plan[0]["Execution Time"]
