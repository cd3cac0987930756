"""The pure pieces of the `make bench` harness (benchmarks/); the harness itself runs with
`make bench SIZES=1000 BENCH_REQUESTS=10`, not in the suite."""

import json
import sqlite3
import sys

import pytest

from benchmarks import datasette_db, load, report, servers
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
    assert "| 3.00 (vs liste) |" in report.page_row(theirs, {"liste": ours})


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
