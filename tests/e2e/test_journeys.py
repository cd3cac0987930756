"""The journeys of the "Real browser" issue, end to end: a visitor searches, filters, opens an
example, comes back and downloads the list; a curator enters, imports and publishes examples
that the public then finds."""

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import TERRITORY_SLUGS, write_territory_slice

pytestmark = pytest.mark.e2e

PASSWORD = "mot-de-passe-de-test-42"


@pytest.fixture
def brittany(reference_data, tmp_path):
    """Bretagne and Ille-et-Vilaine beside the Lille territories: a région to filter out."""
    target = write_territory_slice(
        tmp_path / "territoires.csv.gz", TERRITORY_SLUGS | {"region-53", "departement-35"}
    )
    call_command("load_territories", file=target, stdout=io.StringIO())


@pytest.fixture
def school_examples(brittany):
    """Published "école" examples with different alliances, in two régions, and a draft."""
    from catalogue.choices import ActorType, ExampleStatus
    from territoires.models import Territory
    from tests.factories import ActorFactory, ExampleFactory

    association = ActorFactory(name="Les Petits Débrouillards")
    other_association = ActorFactory(name="Parents d'élèves de Fives")
    company = ActorFactory(name="Numérique Solidaire SA", actor_type=ActorType.ENTREPRISE)
    city = ActorFactory(name="Ville de Lille", actor_type=ActorType.COLLECTIVITE)
    rennes = ActorFactory(name="Rennes Code SAS", actor_type=ActorType.ENTREPRISE)
    ille_et_vilaine = Territory.objects.get(slug="departement-35")
    return {
        "wanted": [
            ExampleFactory(
                title="École du numérique partagée",
                summary="Une association et une entreprise ouvrent une école du code.",
                partners=[association, company],
                start_year=2022,
            ),
            ExampleFactory(
                title="Cantine de quartier",
                summary="Une entreprise et des parents nourrissent l'école Jean-Macé.",
                partners=[other_association, company, city],
                start_year=2019,
            ),
        ],
        "others": [
            # "école" in Lille, but an alliance without a company.
            ExampleFactory(
                title="Jardin de l'école Pasteur", partners=[association, city], start_year=2021
            ),
            # An association and a company, but in Bretagne.
            ExampleFactory(
                title="École du code de Rennes",
                territory=ille_et_vilaine,
                partners=[association, rennes],
            ),
            ExampleFactory(
                title="Atelier de l'école en brouillon",
                status=ExampleStatus.BROUILLON,
                partners=[association, company],
            ),
        ],
    }


def result_titles(page):
    return page.locator(".results .card-title").all_inner_texts()


def test_visitor_searches_filters_opens_comes_back_and_downloads_the_list(page, school_examples):
    from openpyxl import load_workbook

    wanted = {example.title for example in school_examples["wanted"]}
    page.goto("/")
    page.get_by_role("combobox", name="Rechercher un exemple").fill("ecole")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/exemples/\?q=ecole$"))
    # Four published examples speak of a school; the draft is not among them.
    assert page.get_by_role("heading", name="4 exemples").is_visible()

    # A select waits for the button; a checkbox applies at once (JavaScript): each step is
    # waited for through the URL, which is the permalink of what is shown.
    # Each région offered says how many of the results lie there.
    page.get_by_label("Territoire").select_option(label="Hauts-de-France — toute la région (3)")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url(re.compile(r"territoire=region-32"))
    assert page.get_by_role("heading", name="3 exemples").is_visible()
    page.get_by_role("checkbox", name=re.compile("^Entreprise")).click()
    page.wait_for_url(re.compile(r"territoire=region-32.*type_acteur=entreprise"))

    assert page.get_by_role("heading", name="2 exemples").is_visible()
    listed = result_titles(page)
    assert set(listed) == wanted
    filtered_url = page.url

    page.get_by_role("link", name="Cantine de quartier").click()
    page.wait_for_url("**/exemples/cantine-de-quartier/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cantine de quartier"

    page.go_back()
    page.wait_for_url(filtered_url)
    assert page.get_by_label("Territoire").input_value() == "region-32"
    assert page.get_by_role("checkbox", name=re.compile("^Entreprise")).is_checked()
    assert page.get_by_role("heading", name="2 exemples").is_visible()
    assert result_titles(page) == listed

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    # The download is saved without an extension, which openpyxl refuses to guess from.
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    rows = list(workbook["Exemples"].iter_rows(values_only=True))
    title_column = rows[0].index("Titre")
    assert [row[title_column] for row in rows[1:] if any(row)] == listed


def curators_group():
    """The « Curateurs » group, rebuilt as its migration builds it when a flush removed it."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if not Group.objects.filter(name="Curateurs").exists():
        import importlib

        migration = importlib.import_module("catalogue.migrations.0004_curators_group")
        state = MigrationExecutor(connection).loader.project_state(
            ("catalogue", "0004_curators_group")
        )
        migration.create_group(state.apps, connection.schema_editor())
    return Group.objects.get(name="Curateurs")


@pytest.fixture
def curator_page(page, settings):
    """The browser tab, logged in to the admin through the login form as a curator."""
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="curatrice", password=PASSWORD)
    user.groups.add(curators_group())
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("curatrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    return page


def pick_in_autocomplete(page, select_id, typed, option):
    """Open the select2 widget of `select_id`, type, and choose the option offered."""
    page.locator(f"#{select_id} + .select2").click()
    # Wait for the answer to what was typed: the option may already be in the list opened
    # before typing, and a click on it would leave that request running during the save.
    with page.expect_response(
        lambda response: parse_qs(urlsplit(response.url).query).get("term") == [typed]
    ):
        page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()
    assert option in page.locator(f"#{select_id} + .select2").inner_text()


CSV_HEADERS = ["Référence", "Titre", "Résumé", "Territoire", "Année de début", "Partenaires"]


def csv_file(*rows):
    """A CSV file as a French spreadsheet writes it: UTF-8 with BOM, `;`, quoted when needed."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerows([CSV_HEADERS, *rows])
    data = ("\ufeff" + text.getvalue()).encode()
    return {"name": "exemples.csv", "mimeType": "text/csv", "buffer": data}


def test_curator_enters_imports_and_publishes_examples_that_the_public_finds(
    curator_page, browser, live_server
):
    from catalogue.choices import ActorType, ExampleStatus
    from catalogue.models import Example
    from tests.factories import ActorFactory

    page = curator_page
    ActorFactory(name="Banque Alimentaire du Nord")
    ActorFactory(name="Transports Lillois SA", actor_type=ActorType.ENTREPRISE)

    # An example entered by hand, its territory and partners through autocomplete.
    page.goto("/admin/catalogue/example/add/")
    page.locator("#id_title").fill("Épicerie solidaire du campus")
    pick_in_autocomplete(page, "id_territory", "Lille", "Lille")
    page.locator("#id_start_year").fill("2024")
    pick_in_autocomplete(page, "id_partnerships-0-actor", "Banque", "Banque Alimentaire du Nord")
    page.locator("#id_partnerships-0-role").select_option("porteur")
    page.get_by_role("button", name="Ajouter un objet Partenariat supplémentaire").click()
    pick_in_autocomplete(page, "id_partnerships-1-actor", "Transports", "Transports Lillois SA")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/catalogue/example/")
    assert page.locator(".messagelist .success").is_visible()
    entered = Example.objects.get(title="Épicerie solidaire du campus")
    assert entered.territory.slug == "commune-59350"
    assert [p.actor.name for p in entered.partnerships.order_by("position", "pk")] == [
        "Banque Alimentaire du Nord",
        "Transports Lillois SA",
    ]

    # An import with one bad row: the problem is named, nothing is written.
    page.goto("/admin/catalogue/example/import/")
    good = ["", "Vélo-école des quartiers", "Des cours de vélo.", "Lille", "2023",
            "Banque Alimentaire du Nord (porteur); Transports Lillois SA (financeur)"]  # fmt: skip
    bad = ["", "Atelier perdu", "", "Atlantide", "2023", ""]
    page.locator("input[name=import_file]").set_input_files(csv_file(good, bad))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", name="1 problème : rien ne sera enregistré")).to_be_visible()
    problem = page.locator("table.import-problems tbody tr")
    expect(problem).to_have_count(1)
    assert problem.locator("td").all_inner_texts()[:3] == ["3", "Territoire", "Atlantide"]
    assert page.get_by_role("button", name=re.compile("Confirmer")).count() == 0
    assert not Example.objects.filter(title="Vélo-école des quartiers").exists()

    # The fixed file: a preview, then the confirmation writes it.
    page.locator("input[name=import_file]").set_input_files(csv_file(good))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("À la confirmation : 1 création(s)")).to_be_visible()
    preview = page.locator("table.import-preview tbody tr")
    expect(preview).to_have_count(1)
    assert "Vélo-école des quartiers" in preview.inner_text()
    assert "Création" in preview.inner_text()
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(page.get_by_text("Import terminé : 1 créé(s)")).to_be_visible()
    imported = Example.objects.get(title="Vélo-école des quartiers")
    assert imported.status == ExampleStatus.BROUILLON

    # Both are published with the changelist action.
    page.goto("/admin/catalogue/example/")
    for title in ("Épicerie solidaire du campus", "Vélo-école des quartiers"):
        page.locator("#result_list tr", has_text=title).locator(
            "input[name=_selected_action]"
        ).check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("2 exemples modifiés.")).to_be_visible()

    # A visitor, not logged in, finds them in the list and through search.
    visitor = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        public = visitor.new_page()
        public.goto("/exemples/")
        assert public.get_by_role("heading", name="2 exemples").is_visible()
        public.goto("/exemples/?q=velo")
        assert result_titles(public) == ["Vélo-école des quartiers"]
        public.get_by_role("link", name="Vélo-école des quartiers").click()
        public.wait_for_url(f"**{imported.get_absolute_url()}")
        expect(public.get_by_role("link", name="Transports Lillois SA")).to_be_visible()
        public.goto(entered.get_absolute_url())
        expect(public.get_by_role("link", name="Banque Alimentaire du Nord")).to_be_visible()
    finally:
        visitor.close()
