"""The curators' back office: permissions, lists, actions, imports through the admin, locking."""

import datetime

import pytest
import tablib
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalogue.models import Actor, Domain, Example
from catalogue.sheets.formats import XLSX

from .factories import ActorFactory, ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_curators_group_holds_exactly_what_curators_need():
    codenames = set(
        Group.objects.get(name="Curateurs").permissions.values_list("codename", flat=True)
    )
    assert {"add_example", "change_example", "import_example", "export_actor"} <= codenames
    assert not {c for c in codenames if c.startswith("delete_")}
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
    assert not {c for c in codenames if c.startswith(("add_", "change_")) and c.endswith(
        ("_territory", "_domain", "_objective", "_partnershiptype")
    )}  # fmt: skip


def test_curator_cannot_reach_user_management(client, curator):
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert "/admin/auth/" not in client.get("/admin/").content.decode()


def test_curator_cannot_delete_or_change_reference_data(client, curator):
    domain = Domain.objects.get(slug="sante")
    assert client.get(f"/admin/catalogue/domain/{domain.pk}/delete/").status_code == 403
    response = client.post(
        "/admin/catalogue/domain/",
        {"action": "delete_selected", "_selected_action": [domain.pk], "post": "yes"},
    )
    assert Domain.objects.filter(pk=domain.pk).exists()
    response = client.post(
        f"/admin/catalogue/domain/{domain.pk}/change/", {"name": "Autre", "slug": "autre"}
    )
    assert response.status_code == 403
    assert client.get("/admin/territoires/territory/1/delete/").status_code == 403
    example = ExampleFactory()
    assert client.get(f"/admin/catalogue/example/{example.pk}/delete/").status_code == 403


def test_anonymous_visitor_cannot_reach_admin_or_import(client):
    for url in (
        "/admin/",
        "/admin/catalogue/example/",
        "/admin/catalogue/example/import/",
        "/admin/catalogue/actor/import/",
        "/admin/catalogue/example/import/modele.xlsx",
        "/admin/catalogue/example/export/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    data = SimpleUploadedFile("x.csv", b"Titre;Territoire;Annee de debut\nA;commune-59350;2020")
    response = client.post("/admin/catalogue/example/import/", {"import_file": data})
    assert response.status_code == 302
    assert Example.objects.count() == 0


def test_staff_without_the_group_cannot_import(client):
    client.force_login(UserFactory())
    assert client.get("/admin/catalogue/example/import/").status_code == 403


# What a browser sends beside the file; the format is then taken from the file's extension.
FORM = {"resource": "0", "format": "0"}


def xlsx_upload(rows, headers=("Référence", "Titre", "Territoire", "Année de début")):
    data = XLSX().export_data(tablib.Dataset(*rows, headers=list(headers)))
    return SimpleUploadedFile("exemples.xlsx", data)


def test_curator_imports_with_a_preview_then_a_confirmation(client, curator):
    existing = ExampleFactory(title="Ancien titre")
    stable = ExampleFactory(title="Titre stable")
    upload = xlsx_upload(
        [
            [existing.reference, "Titre corrigé", "commune-59350", 2020],
            ["", "Nouvelle alliance", "Lille", 2023],
            [stable.reference, "Titre stable", "commune-59350", 2020],
        ]
    )
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 création(s), 1 modification(s), 1 ligne(s) inchangée(s)" in content
    assert "Nouvelle alliance" in content and "Création" in content
    assert "Titre stable" in content and "Inchangée" in content
    assert Example.objects.count() == 2  # the preview wrote nothing

    confirm = response.context["confirm_form"].initial
    response = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    assert "Import terminé : 1 créé(s), 1 modifié(s), 1 inchangé(s)" in response.content.decode()
    existing.refresh_from_db()
    created = Example.objects.get(title="Nouvelle alliance")
    assert existing.title == "Titre corrigé" and existing.updated_by == curator
    assert created.created_by == curator and created.territory.slug == "commune-59350"
    history = LogEntry.objects.filter(user=curator)
    assert history.get(action_flag=ADDITION).object_id == str(created.pk)
    assert "exemples.xlsx" in history.get(action_flag=CHANGE).change_message


def test_import_preview_lists_every_problem_by_line_and_column(client, curator):
    upload = xlsx_upload(
        [["", "Bonne ligne", "commune-59350", 2020], ["", "Mauvaise", "Atlantide", 1800]]
    )
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    content = response.content.decode()
    assert "rien ne sera enregistré" in content
    assert "Atlantide" in content and "Territoire inconnu" in content
    assert "<td>3</td>" in content and "Année de début" in content
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Example.objects.count() == 0


def test_import_refuses_a_file_too_large_or_of_another_kind(client, curator, settings):
    settings.IMPORT_MAX_FILE_SIZE = 50
    upload = SimpleUploadedFile("gros.csv", b"Titre;Territoire\n" + b"x" * 100)
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    assert "la limite est de" in response.content.decode()
    settings.IMPORT_MAX_FILE_SIZE = 10_000
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4")
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    assert "utilisez CSV, XLSX ou ODS" in response.content.decode()
    upload = SimpleUploadedFile("casse.xlsx", b"PK\x03\x04 tronque")
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    assert "classeur XLSX valide" in response.content.decode()


def test_import_template_has_the_import_headers(client, curator):
    response = client.get("/admin/catalogue/example/import/modele.csv")
    assert response.status_code == 200
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Référence;Titre;Résumé;Description;Statut;Territoire")
    response = client.get("/admin/catalogue/actor/import/modele.xlsx")
    assert response.status_code == 200


def test_second_save_of_the_same_example_is_refused(client, curator):
    example = ExampleFactory(title="Version de départ")
    url = f"/admin/catalogue/example/{example.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and k != "partnership_types"},
        "domains": [],
        "objectives": [],
        "opened_version": example.version,
        "partnerships-TOTAL_FORMS": 0,
        "partnerships-INITIAL_FORMS": 0,
        "territory": example.territory_id,
    }
    first = client.post(url, {**data, "title": "Première curatrice"})
    assert first.status_code == 302
    second = client.post(url, {**data, "title": "Seconde curatrice"})
    assert second.status_code == 200
    assert "rechargez la page" in second.content.decode()
    example.refresh_from_db()
    assert example.title == "Première curatrice" and example.version == 2
    assert example.updated_by == curator


def test_actions_publish_archive_and_mark_verified_with_history(client, curator):
    draft = ExampleFactory(status="brouillon")
    other = ExampleFactory(status="publie")
    client.post(
        "/admin/catalogue/example/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    client.post(
        "/admin/catalogue/example/",
        {"action": "mark_verified", "_selected_action": [draft.pk, other.pk]},
    )
    client.post("/admin/catalogue/example/", {"action": "archive", "_selected_action": [other.pk]})
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == "publie" and other.status == "archive"
    assert draft.verified_on == timezone.localdate() == other.verified_on
    assert draft.updated_by == curator and draft.version == 3
    messages = list(
        LogEntry.objects.filter(object_id=str(draft.pk)).values_list("change_message", flat=True)
    )
    assert "Publié" in messages and any(m.startswith("Vérifié le") for m in messages)


def test_changelist_filters_by_region_actor_type_and_reverification(client, curator):
    lille = ExampleFactory(title="À Lille", partners=[ActorFactory(actor_type="entreprise")])
    lille.verified_on = timezone.localdate() - datetime.timedelta(days=10)
    lille.save()
    paris = ExampleFactory(title="À Paris")
    paris.territory_id = type(lille.territory).objects.get(slug="commune-75056").pk
    paris.verified_on = datetime.date(2015, 1, 1)
    paris.save()

    def titles(query):
        response = client.get(f"/admin/catalogue/example/?{query}")
        return {e.title for e in response.context["cl"].result_list}

    assert titles("region=region-32") == {"À Lille"}
    assert titles("type_acteur=entreprise") == {"À Lille"}
    assert titles("a_reverifier=oui") == {"À Paris"}
    assert titles("q=paris") == {"À Paris"}


# Exact query counts of the change lists (as NetBox keeps them): any drift shows. Session,
# user and permissions, then the list's filters, its count and its page with what it shows.
CHANGELIST_QUERIES = {
    "/admin/catalogue/example/": 11,
    "/admin/catalogue/actor/": 8,
}


@pytest.mark.parametrize("url", CHANGELIST_QUERIES)
@pytest.mark.parametrize("rows", [1, 20])
def test_changelist_runs_the_same_queries_whatever_the_page_size(
    client, curator, django_assert_num_queries, url, rows
):
    for _index in range(rows):
        ExampleFactory(partners=[ActorFactory()])
    assert Actor.objects.count() == Example.objects.count() == rows
    client.get(url)  # the content types and permissions this process caches
    with django_assert_num_queries(CHANGELIST_QUERIES[url]):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == rows


def test_view_on_site_only_for_published_examples(client, curator):
    published = ExampleFactory(status="publie")
    draft = ExampleFactory(status="brouillon")
    page = client.get(f"/admin/catalogue/example/{published.pk}/change/").content.decode()
    assert published.get_absolute_url() in page
    page = client.get(f"/admin/catalogue/example/{draft.pk}/change/").content.decode()
    assert draft.get_absolute_url() not in page


def test_admin_autocomplete_finds_territories_for_curators(client, curator):
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Lille",
            "app_label": "catalogue",
            "model_name": "example",
            "field_name": "territory",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"].startswith("Lille")


def test_curator_exports_the_filtered_list_in_the_import_format(client, curator):
    ExampleFactory(title="À exporter", status="publie")
    ExampleFactory(title="Brouillon exclu", status="brouillon")
    response = client.post(
        "/admin/catalogue/example/export/?status__exact=publie", {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Référence;Titre;Résumé")
    assert len(lines) == 2 and "À exporter" in lines[1]


def test_curator_imports_actors_through_the_admin(client, curator):
    upload = SimpleUploadedFile(
        "acteurs.csv", b"Nom;Type d'acteur;Territoire\nCentre social;Association;Lille\n"
    )
    response = client.post("/admin/catalogue/actor/import/", {"import_file": upload, **FORM})
    confirm = response.context["confirm_form"].initial
    client.post("/admin/catalogue/actor/process_import/", confirm)
    actor = Actor.objects.get(name="Centre social")
    assert actor.territory.slug == "commune-59350"
    assert LogEntry.objects.get(user=curator).object_id == str(actor.pk)


def test_confirmation_writes_nothing_when_the_data_changed_since_the_preview(client, curator):
    actor = ActorFactory(name="Partenaire éphémère")
    upload = SimpleUploadedFile(
        "exemples.csv",
        "Titre;Territoire;Année de début;Partenaires\n"
        "Première;commune-59350;2020;\n"
        "Seconde;commune-59350;2021;Partenaire éphémère (porteur)\n".encode(),
    )
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    confirm = response.context["confirm_form"].initial
    actor.delete()  # meanwhile, an administrator removes the actor the file names
    response = client.post("/admin/catalogue/example/process_import/", confirm, follow=True)
    content = response.content.decode()
    assert "Import annulé : rien n&#x27;a été enregistré." in content
    assert "Ligne 3, Partenaires" in content and "Acteur inconnu" in content
    assert Example.objects.count() == 0


def test_curator_adds_an_example_and_gets_reference_slug_and_authorship(client, curator):
    actor = ActorFactory()
    response = client.post(
        "/admin/catalogue/example/add/",
        {
            "title": "Maison des alliances",
            "status": "brouillon",
            "territory": Example._meta.get_field("territory")
            .related_model.objects.get(slug="commune-59350")
            .pk,
            "start_year": 2024,
            "partnerships-TOTAL_FORMS": 1,
            "partnerships-INITIAL_FORMS": 0,
            "partnerships-0-actor": actor.pk,
            "partnerships-0-role": "porteur",
            "partnerships-0-position": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    example = Example.objects.get()
    assert example.reference == f"IA-{example.pk:05d}" and example.slug == "maison-des-alliances"
    assert example.created_by == curator == example.updated_by
    assert list(example.partnerships.values_list("actor", "role")) == [(actor.pk, "porteur")]
    assert LogEntry.objects.get(user=curator).action_flag == ADDITION


def test_actor_autocomplete_pages_in_name_order(client, curator):
    for name in ("Zeste", "Atelier", "Moulin", "Boussole"):
        ActorFactory(name=f"{name} solidaire")
    response = client.get(
        "/admin/autocomplete/",
        {"term": "solidaire", "app_label": "catalogue", "model_name": "partnership",
         "field_name": "actor"},
    )  # fmt: skip
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names == sorted(names) and len(names) == 4


def test_import_preview_table_shows_the_first_rows_and_counts_the_others(
    client, curator, monkeypatch
):
    monkeypatch.setattr("catalogue.admin_sheets.PREVIEW_ROWS", 1)
    upload = xlsx_upload([["", f"Alliance {n}", "commune-59350", 2020] for n in range(3)])
    response = client.post("/admin/catalogue/example/import/", {"import_file": upload, **FORM})
    content = response.content.decode()
    assert "3 création(s)" in content
    assert "Alliance 0" in content and "Alliance 2" not in content
    assert "Et 2 autres lignes, sans avertissement" in content
