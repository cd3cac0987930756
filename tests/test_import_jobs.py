"""Confirming a long import runs in the task worker, all or nothing, and the curator
follows it on a page of the admin."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalogue.models import Example

from .factories import ActorFactory, CuratorFactory
from .test_admin import FORM, xlsx_upload
from .test_export_jobs import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_threshold(settings):
    settings.IMPORT_BACKGROUND_ROWS = 2


def preview_then_confirm(client, upload):
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    assert response.status_code == 200
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/catalogue/example/process_import/", confirm)
    assert response.status_code == 302
    assert "/admin/catalogue/example/import/suivi/" in response["Location"]
    return response["Location"]


def three_rows():
    return xlsx_upload([["", f"Alliance {n}", "commune-59350", 2020] for n in range(3)])


def test_long_import_confirmed_by_the_worker(client, curator):
    url = preview_then_confirm(client, three_rows())
    waiting = client.get(url).content.decode()
    assert "Confirmation en attente du worker de tâches : 3 lignes" in waiting
    assert '<meta http-equiv="refresh"' in waiting
    assert Example.objects.count() == 0

    run_worker()

    done = client.get(url).content.decode()
    assert "Import terminé : 3 créé(s), 0 modifié(s), 0 inchangé(s)" in done
    assert "refresh" not in done
    created = Example.objects.order_by("title")
    assert [e.title for e in created] == ["Alliance 0", "Alliance 1", "Alliance 2"]
    assert {e.created_by for e in created} == {curator}
    history = LogEntry.objects.filter(user=curator, action_flag=ADDITION)
    assert history.count() == 3
    assert all("exemples.xlsx" in entry.change_message for entry in history)


def test_long_import_that_fails_in_the_worker_writes_nothing(client, curator):
    actor = ActorFactory(name="Partenaire éphémère")
    upload = SimpleUploadedFile(
        "exemples.csv",
        "Titre;Territoire;Année de début;Partenaires\n"
        "Première;commune-59350;2020;\n"
        "Deuxième;commune-59350;2020;\n"
        "Troisième;commune-59350;2021;Partenaire éphémère (porteur)\n".encode(),
    )
    url = preview_then_confirm(client, upload)
    actor.delete()  # meanwhile, the actor the file names is removed
    run_worker()
    page = client.get(url).content.decode()
    assert "Import annulé : rien n'a été enregistré (1 problème" in page
    assert "Ligne 4, Partenaires" in page and "Acteur inconnu" in page
    assert Example.objects.count() == 0
    assert not LogEntry.objects.exists()


def test_import_follow_up_page_only_for_its_curator(client, curator):
    url = preview_then_confirm(client, three_rows())
    other = Client()
    other.force_login(CuratorFactory(username="autre-curatrice"))
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    # Another model's follow-up address does not show it either.
    assert client.get(url.replace("/example/", "/actor/")).status_code == 404


def test_short_import_still_confirmed_in_the_request(client, curator, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    response = client.post(
        "/admin/catalogue/example/import/", {"import_file": three_rows(), **FORM}
    )
    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    assert "Import terminé : 3 créé(s)" in response.content.decode()
    assert Example.objects.count() == 3
