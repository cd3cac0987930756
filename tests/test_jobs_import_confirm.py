"""Confirming the same import twice (a double click, the back button) writes it once and
says so in French, for a short import as for a queued one."""

import html

import pytest
from django_tasks_db.models import DBTaskResult

from catalogue import tasks
from catalogue.models import Example

from .test_admin import FORM
from .test_export_jobs import run_worker
from .test_import_jobs import three_rows

pytestmark = pytest.mark.django_db

ALREADY = "Cet import a déjà été confirmé"


def preview(client):
    response = client.post(
        "/admin/catalogue/example/import/", {"import_file": three_rows(), **FORM}
    )
    assert response.status_code == 200
    return response.context["confirm_form"].initial


def test_jobs_short_import_confirmed_twice_is_written_once(client, curator, settings):
    settings.IMPORT_BACKGROUND_ROWS = 10
    confirm = preview(client)
    first = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    assert "Import terminé : 3 créé(s)" in first.content.decode()
    second = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    assert second.status_code == 200
    page = html.unescape(second.content.decode())
    assert ALREADY in page and "rien n'a été enregistré de nouveau" in page
    assert Example.objects.count() == 3


def test_jobs_queued_import_confirmed_twice_is_written_once(client, curator, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    confirm = preview(client)
    first = client.post("/admin/catalogue/example/process_import/", confirm)
    assert first.status_code == 302
    second = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    assert second.status_code == 200
    # The second click leads to the first confirmation's page.
    assert second.redirect_chain[-1][0] == first["Location"]
    assert ALREADY in second.content.decode()
    run_worker()
    assert Example.objects.count() == 3
    # Once written, confirming again says so as well.
    third = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    assert ALREADY in third.content.decode()
    assert Example.objects.count() == 3


def test_jobs_two_queued_confirmations_of_one_file_write_it_once(client, curator, settings):
    """Two jobs for the same file (two requests that passed the check together): the
    worker writes it once, and the other job's page says why it wrote nothing."""
    settings.IMPORT_BACKGROUND_ROWS = 2
    confirm = preview(client)
    first = client.post("/admin/catalogue/example/process_import/", confirm)
    job = DBTaskResult.objects.get()
    twin = tasks.confirm_import.enqueue(**job.args_kwargs["kwargs"])
    run_worker()
    assert Example.objects.count() == 3
    assert "Import terminé : 3 créé(s)" in client.get(first["Location"]).content.decode()
    page = html.unescape(
        client.get(f"/admin/catalogue/example/import/suivi/{twin.id}/").content.decode()
    )
    assert "Cet import a déjà été confirmé par une autre demande" in page
