"""The pure pieces of the `make bench` harness (benchmarks/); the harness itself runs with
`make bench SIZES=1000 BENCH_REQUESTS=10`, not in the suite."""

import json
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from benchmarks import datasette_db, freshness, load, report, servers
from benchmarks.stats import percentile, summary
from benchmarks.timing import BenchError
from tests.factories import ActorFactory, ExampleFactory


def test_percentile_interpolates_between_closest_ranks():
    assert percentile([5, 1, 4, 2, 3], 50) == 3
    assert percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert percentile([10, 20], 50) == 15
    assert percentile([7], 99) == 7


def test_summary_gives_p50_p95_p99_and_sample_size():
    figures = summary([float(n) for n in range(1, 101)])
    assert figures == {"n": 100, "p50": 50.5, "p95": pytest.approx(95.05), "p99": 99.01}


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_ratio_is_ours_over_theirs_on_the_compared_row():
    ours = {"label": "liste", "warm": {"p50": 0.3, "p95": 0.4, "p99": 0.5, "n": 50}, "cold": 1}
    theirs = {**ours, "label": "Datasette", "compare_to": "liste"}
    theirs["warm"] = {**ours["warm"], "p50": 0.1}
    ours["results"], theirs["results"] = 976, 975
    # Like with like: the row names the page compared and both row counts.
    assert "| 3.00 (vs liste ; 976 / 975 résultats) |" in report.page_row(theirs, {"liste": ours})


def test_region_and_departement_come_from_the_territory_path():
    names = {"region-32": "Hauts-de-France", "departement-59": "Nord"}
    path = "/pays-fr/region-32/departement-59/commune-59350/"
    assert datasette_db.region_and_departement(path, names) == ("Hauts-de-France", "Nord")
    assert datasette_db.region_and_departement("/pays-fr/", names) == ("", "")


def test_load_script_rotates_over_the_paths_given(tmp_path):
    script = tmp_path / "rotate.lua"
    load.write_script(["/exemples/", '/exemples/?q="x"'], script)
    text = script.read_text()
    assert 'local paths = {"/exemples/", "/exemples/?q=\\"x\\""}' in text
    assert "WRK_JSON" in text


def test_a_server_that_exits_at_start_stops_the_bench_with_its_log(tmp_path):
    command = [sys.executable, "-c", "print('adresse déjà prise'); raise SystemExit(2)"]
    with pytest.raises(BenchError, match="adresse déjà prise"):  # noqa: SIM117
        with servers.running(
            "essai", command, port=servers.free_port(), probe="/", log_path=tmp_path / "log"
        ):
            pass


@pytest.mark.django_db
def test_datasette_copy_holds_published_examples_with_facets_and_full_text(tmp_path):
    actor = ActorFactory(name="Épicerie du Nord")
    ExampleFactory(title="Bagagerie solidaire à Lille", partners=[actor], domains=["solidarites"],
                   odd=[1, 17], alliance=[4])  # fmt: skip
    ExampleFactory(title="Brouillon caché", status="brouillon")
    path = tmp_path / "catalogue.db"
    assert datasette_db.build(path) == 1
    database = sqlite3.connect(path)
    row = database.execute(
        "SELECT region, departement, type_acteur, domaine, odd FROM examples"
    ).fetchone()
    assert row[:2] == ("Hauts-de-France", "Nord")
    assert json.loads(row[2]) == ["Association"]
    assert json.loads(row[3]) == ["Solidarités"]
    assert json.loads(row[4]) == ["ODD 1", "ODD 17"]
    found = database.execute(
        "SELECT count(*) FROM examples_fts WHERE examples_fts MATCH 'bagagerie'"
    )
    assert found.fetchone() == (1,)


def test_datasette_filters_find_what_our_filtered_list_finds(tmp_path):
    """The comparison row asks Datasette the same question: région, one actor type and one
    domain in the JSON arrays (Datasette's `__arraycontains` reads them with json_each)."""
    from django.http import QueryDict

    from catalogue.filtersets import ExampleFilterSet

    ours = "territoire=region-32&type_acteur=association&domaine=solidarites"
    for title, actor_type, domain in [("A", "association", "solidarites"),
                                      ("B", "entreprise", "solidarites"),
                                      ("C", "association", "numerique")]:  # fmt: skip
        ExampleFactory(title=title, partners=[ActorFactory(actor_type=actor_type)],
                       domains=[domain])  # fmt: skip
    path = tmp_path / "catalogue.db"
    datasette_db.build(path)
    query = parse_qs(datasette_db.filters(region="Hauts-de-France", actor_type="Association",
                                          domain="Solidarités"))  # fmt: skip
    found = sqlite3.connect(path).execute(
        "SELECT title FROM examples WHERE region = ? "
        "AND ? IN (SELECT value FROM json_each(type_acteur)) "
        "AND ? IN (SELECT value FROM json_each(domaine))",
        [query["region"][0], query["type_acteur__arraycontains"][0],
         query["domaine__arraycontains"][0]],
    ).fetchall()  # fmt: skip
    assert found == [("A",)]
    assert list(ExampleFilterSet(QueryDict(ours)).qs.values_list("title", flat=True)) == ["A"]


test_datasette_filters_find_what_our_filtered_list_finds = pytest.mark.django_db(
    test_datasette_filters_find_what_our_filtered_list_finds
)


class SlowAfterWrite(BaseHTTPRequestHandler):
    """Two pretend workers taking turns; after the write, each one's first request is slow
    (as a worker bringing its facet index up to date), and the access log names the worker."""

    written = threading.Event()
    caught_up: set = set()
    served = 0
    access_log = None

    def do_GET(self):
        cls = type(self)
        cls.served += 1
        worker = 1000 + cls.served % 2
        if cls.written.is_set() and worker not in cls.caught_up:
            cls.caught_up.add(worker)
            time.sleep(0.2)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")
        with open(cls.access_log, "a") as log:
            log.write(f"<{worker}> 1 {urlsplit(self.path).query}\n")

    def log_message(self, *args):
        pass


def test_freshness_times_each_workers_first_request_after_the_write(tmp_path):
    SlowAfterWrite.access_log = tmp_path / "access.log"
    SlowAfterWrite.access_log.write_text("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowAfterWrite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        pages = {"liste": "/exemples/", "fiche": "/exemples/x/?a=1"}
        port = server.server_address[1]
        figures = freshness.measure(port, pages, SlowAfterWrite.access_log, "essai",
                                    lambda: SlowAfterWrite.written.set() or 1,
                                    read_during=False)  # fmt: skip
        SlowAfterWrite.written.clear()
        during = freshness.measure(port, pages, SlowAfterWrite.access_log, "pendant",
                                   lambda: time.sleep(0.3) or 5)  # fmt: skip
    finally:
        server.shutdown()
    assert during["written"] == 5 and during["during"]["n"] >= 2
    assert during["write_ms"] >= 300
    assert figures["written"] == 1
    assert sorted(w["ms"] > 200 for w in figures["workers"]) == [True, True]
    assert figures["max_extra_ms"] >= 190
    assert figures["before_p95_ms"] < 100
    assert "| un curateur" not in report.writes_section([figures])
    assert "+2" in report.writes_section([figures])
