"""`make reliability`'s curators send back the admin form as a browser would."""

import pytest
from django.http import QueryDict

from benchmarks.reliability.client import IMPORT_ENDED, FormReader
from benchmarks.reliability.phases import PHASES, parse_phases, worker_phases, worker_report_lines
from benchmarks.reliability.worker import job_id_of, wait_for

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db


def test_form_reader_sends_back_the_example_form_that_saves(admin_client):
    example = ExampleFactory(title="Jardin partagé")
    url = f"/admin/catalogue/example/{example.pk}/change/"
    form = FormReader("example_form")
    form.feed(admin_client.get(url).content.decode())
    data = QueryDict(mutable=True)
    for name, value in form.fields:
        data.appendlist(name, "Résumé de la mesure" if name == "summary" else value)
    assert "opened_version" in data and "partnerships-TOTAL_FORMS" in data
    response = admin_client.post(url, data)
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.summary == "Résumé de la mesure" and example.title == "Jardin partagé"


def test_phases_are_chosen_by_name_in_running_order():
    assert parse_phases("") == parse_phases("all") == PHASES
    assert parse_phases("login, kill") == ("kill", "login")
    with pytest.raises(ValueError, match="oom2"):
        parse_phases("kill,oom2")


def test_wait_for_returns_the_first_true_value_or_gives_up():
    values = iter([None, 0, "RUNNING"])
    assert wait_for(lambda: next(values), timeout=5, every=0)[0] == "RUNNING"
    value, waited = wait_for(lambda: None, timeout=0.05, every=0.01)
    assert value is None and waited >= 0.05


def test_import_follow_page_endings_include_the_interrupted_confirmation():
    page = "<p>La confirmation a été interrompue : le worker…</p>"
    assert IMPORT_ENDED.search(page).group(1) == "La confirmation a été interrompue"
    assert IMPORT_ENDED.search("<p>Import terminé : 3 créé(s)</p>").group(1).startswith("Import")
    assert job_id_of("/exemples/export/1b2c/") == "1b2c"


def test_worker_report_lines_name_each_phase_that_ran():
    healthz = {"checks": 200, "failures": 0, "p50_ms": 4.0, "p95_ms": 30.0, "max_ms": 90.0}
    login = {"attempts": 200, "seconds": 40.2, "hashed": 20, "refused": 180,
             "server_cpu_s": 16.0, "hash_cpu_s": 0.8, "healthz": healthz,
             "statuses": {"connexion 429": 180, "connexion 200": 20},
             "healthz_alone": healthz}  # fmt: skip
    lines = worker_report_lines({"login": login}, lease=120)
    assert len(lines) == 1 and lines[0].startswith("8. 200 connexions")
    assert "20 refusées par le formulaire" in lines[0] and "p95 30 ms" in lines[0]
    assert "bloquée à" in lines[0] and lines[0].endswith(").")
    assert worker_report_lines({}, lease=120) == []


def test_worker_report_lines_survive_a_phase_that_went_wrong():
    kill = {
        "rows": 3000,
        "export": {"path": "/exemples/export.ods", "outcome": "pas mis en file : 429"},
        "import": {"rows": 4000, "outcome": "aperçu sans confirmation"},
    }
    oom = {"path": "/exemples/export.ods?tri=titre", "rows": 3000, "idle_mb": 300.0,
           "limit_mb": 357.2, "status": "FAILED", "exception": "builtins.MemoryError",
           "queued_to_final_s": 4.25, "worker_exits": [], "page": "échoué",
           "pending_during": 1, "pending_after": 0}  # fmt: skip
    lines = worker_report_lines({"kill": kill, "oom": [oom | {"how": "as"}]}, lease=120)
    assert lines[0].startswith("6. ") and "pas mis en file : 429" in lines[1]
    assert lines[-1].startswith("7a. ") and "357 Mo" in lines[-1] and "4.2 s" in lines[-1]


def test_worker_phases_start_nothing_when_none_of_theirs_is_chosen():
    assert worker_phases(("load", "sqlite"), env={}, out=None, gunicorn_args=[],
                         import_file=None, say=print) == {}  # fmt: skip
