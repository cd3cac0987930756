"""Large XLSX/ODS exports are written by the task worker, and every export has limits per
client and for the site, refused in French with Retry-After."""

import datetime
import io
import os
from unittest import mock

import openpyxl
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django_tasks import task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from catalogue import tasks
from catalogue.choices import ExampleStatus

from .factories import ExampleFactory
from .test_exports import download, ods_cells, ods_text

pytestmark = pytest.mark.django_db


@task()
def other_task():
    return {"path": "x.xlsx", "name": "x.xlsx"}


def run_worker():
    """What `manage.py db_worker --batch` does: run every queued task, then return.

    Inside the test's transaction, so the worker must not close the connection between
    tasks as it does in production."""
    with mock.patch.object(db_worker, "close_old_connections"):
        db_worker.Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
        ).run()  # fmt: skip


@pytest.fixture(autouse=True)
def export_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "exports"},
        },
    }
    return tmp_path / "exports"


@pytest.fixture
def six(settings):
    """Six published examples (and a draft), and a background threshold of five rows."""
    settings.EXPORT_BACKGROUND_ROWS = 5
    for index in range(6):
        ExampleFactory(title=f"Alliance {index}", odd=[4])
    ExampleFactory(title="Brouillon", status=ExampleStatus.BROUILLON, odd=[4])


def job_url(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/exemples/export/")
    return response["Location"]


def test_export_large_xlsx_written_by_worker_then_offered(client, six):
    url = job_url(client.get("/exemples/export.xlsx?odd=4"))
    waiting = client.get(url)
    assert waiting.status_code == 200
    assert "en attente de préparation" in waiting.content.decode()
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    assert waiting["Cache-Control"] == "no-store"
    assert client.get(url + "fichier").status_code == 404  # not written yet

    run_worker()

    ready = client.get(url).content.decode()
    assert "Votre fichier est prêt" in ready and "refresh" not in ready
    response = client.get(url + "fichier")
    assert response.status_code == 200
    assert 'filename="exemples-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Exemples"]
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == [f"Alliance {index}" for index in range(6)]


def test_export_large_ods_written_by_worker(client, six):
    url = job_url(client.get("/exemples/export.ods?odd=4"))
    run_worker()
    response = client.get(url + "fichier")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    rows = ods_cells(io.BytesIO(b"".join(response.streaming_content)).getvalue())
    assert {ods_text(row[1]) for row in rows[1:]} == {f"Alliance {index}" for index in range(6)}


def test_export_small_xlsx_still_immediate(client, six, settings):
    settings.EXPORT_BACKGROUND_ROWS = 6
    response, body = download(client, "xlsx", "odd=4")
    assert response.status_code == 200 and body.startswith(b"PK")
    assert not DBTaskResult.objects.exists()


def test_export_same_list_queued_once_until_catalogue_changes(client, six):
    first = job_url(client.get("/exemples/export.xlsx?odd=4"))
    assert job_url(client.get("/exemples/export.xlsx?odd=4")) == first
    assert job_url(client.get("/exemples/export.ods?odd=4")) != first  # another format
    ExampleFactory(title="Alliance 6", odd=[4])  # the list the file would hold has changed
    assert job_url(client.get("/exemples/export.xlsx?odd=4")) != first
    assert DBTaskResult.objects.count() == 3


def test_export_job_unknown_or_other_task_is_404(client, six):
    assert client.get("/exemples/export/00000000-0000-4000-8000-000000000000/").status_code == 404
    other = other_task.enqueue()
    run_worker()
    assert client.get(f"/exemples/export/{other.id}/").status_code == 404
    assert client.get(f"/exemples/export/{other.id}/fichier").status_code == 404


def test_export_file_removed_after_its_hours(client, six, settings, export_files):
    url = job_url(client.get("/exemples/export.xlsx?odd=4"))
    run_worker()
    (written,) = export_files.iterdir()
    old = (datetime.datetime.now() - datetime.timedelta(hours=25)).timestamp()
    os.utime(written, (old, old))
    tasks.remove_old_exports()
    assert not written.exists()
    page = client.get(url).content.decode()
    assert "plus disponible" in page
    assert client.get(url + "fichier").status_code == 404
    # Asking again queues a new file rather than pointing at the missing one.
    assert job_url(client.get("/exemples/export.xlsx?odd=4")) != url


def test_export_failed_job_says_so(client, six, export_files):
    url = job_url(client.get("/exemples/export.xlsx?odd=4"))
    task = DBTaskResult.objects.get()
    task.args_kwargs = {"args": [], "kwargs": {"query": "odd=4", "extension": "pdf"}}
    task.save()
    run_worker()
    assert "a échoué" in client.get(url).content.decode()
    assert client.get(url + "fichier").status_code == 404
    assert not export_files.exists() or not any(export_files.iterdir())


def test_export_rate_per_client(client, settings, six):
    settings.EXPORT_RATE_LIMIT = 2
    assert download(client, "csv", "odd=4")[0].status_code == 200
    assert download(client, "csv", "odd=4")[0].status_code == 200
    response, body = download(client, "csv", "odd=4")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.EXPORT_RATE_WINDOW
    assert "beaucoup d'exports depuis votre adresse" in body.decode()
    # Another client is not affected.
    assert client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_export_at_once_per_client_and_for_the_site(client, settings, six):
    settings.EXPORT_CONCURRENT_PER_CLIENT = 1
    settings.EXPORT_CONCURRENT_STREAMS = 2
    first = client.get("/exemples/export.csv")  # streaming: holds its place until read
    busy = client.get("/exemples/export.csv")
    # Retry-After: when the first place comes free if its export stopped renewing it.
    assert busy.status_code == 429 and busy["Retry-After"] == str(settings.EXPORT_SLOT_SECONDS)
    assert "encore en cours" in busy.content.decode()
    second = client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.2")
    assert second.status_code == 200
    full = client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.3")
    assert full.status_code == 503 and full["Retry-After"] == str(settings.EXPORT_SLOT_SECONDS)
    assert "beaucoup d'exports en ce moment" in full.content.decode()
    ExampleFactory(title="Seule", odd=[5])  # a short list takes no place among the site's
    assert client.get("/exemples/export.csv?odd=5", REMOTE_ADDR="10.0.0.4").status_code == 200
    b"".join(first.streaming_content)  # read to the end: both places are given back
    assert client.get("/exemples/export.csv").status_code == 200
    stop_download(second)  # a download stopped half-way gives its place back too
    assert client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.3").status_code == 200


def stop_download(response):
    """What the server does when a visitor leaves half-way: close the response (as the
    test client does, without closing the test's database connection)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_export_queue_bounded(client, settings, six):
    settings.EXPORT_QUEUE_MAX = 1
    job_url(client.get("/exemples/export.xlsx?odd=4"))
    refused = client.get("/exemples/export.ods?odd=4")
    assert refused.status_code == 503 and refused["Retry-After"] == "60"
    assert "déjà en préparation" in refused.content.decode()
    run_worker()
    job_url(client.get("/exemples/export.ods?odd=4"))


@pytest.mark.parametrize("takedown", ["brouillon", "archive", "supprimé"])
def test_export_file_written_before_a_takedown_is_withdrawn(
    client, six, curator, takedown, export_files
):
    from catalogue import services
    from catalogue.models import Example

    url = job_url(client.get("/exemples/export.xlsx?odd=4"))
    run_worker()
    assert client.get(url + "fichier").status_code == 200
    # An edit that leaves every example public keeps the file.
    kept = Example.objects.get(title="Alliance 1")
    kept.title = "Alliance 1 bis"
    services.save_example(example=kept, user=curator, is_new=False, expected_version=kept.version)
    assert client.get(url + "fichier").status_code == 200
    gone = Example.objects.filter(title="Alliance 0")
    if takedown == "supprimé":
        services.delete_examples(examples=gone, user=curator)
    else:
        services.set_status(examples=gone, user=curator, status=takedown)
    response = client.get(url + "fichier")
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Ce fichier a été retiré" in page and "Demander de nouveau ce fichier" in page
    assert not [name for name in export_files.iterdir() if name.is_file()]  # deleted
