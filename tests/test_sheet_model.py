"""The model file teaches itself; the import page lists what it imports and links to the
page that explains the format."""

import io

import openpyxl
import pytest

from catalogue.sheets.columns import ACTOR_IMPORT_COLUMNS, EXAMPLE_IMPORT_COLUMNS
from catalogue.sheets.engine import run_import
from catalogue.sheets.formats import read_dataset
from catalogue.sheets.guide import MODEL_ROWS

pytestmark = pytest.mark.django_db

SHEETS = {"example": EXAMPLE_IMPORT_COLUMNS, "actor": ACTOR_IMPORT_COLUMNS}


def download(client, model, extension):
    response = client.get(f"/admin/catalogue/{model}/import/modele.{extension}")
    assert response.status_code == 200
    return response.content


def drop_downs(sheet) -> dict[str, list[str]]:
    """{header: the values its drop-down offers}, read back from the workbook."""
    book, headers = sheet.parent, [cell.value for cell in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        column = headers[openpyxl.utils.column_index_from_string(str(validation.sqref)[0]) - 1]
        sheet_name, cells = validation.formula1.split("!")
        listed = book[sheet_name.strip("'")][cells.replace("$", "")]
        found[column] = [row[0].value for row in listed]
        assert str(validation.sqref).endswith(str(MODEL_ROWS))
    return found


def test_xlsx_model_of_examples_has_a_sample_a_guide_and_drop_downs(client, curator):
    book = openpyxl.load_workbook(io.BytesIO(download(client, "example", "xlsx")))
    assert book.sheetnames == ["Exemples", "Mode d'emploi", "Listes"]
    assert book["Listes"].sheet_state == "hidden"
    data = book["Exemples"]
    headers = [cell.value for cell in data[1]]
    sample = dict(zip(headers, [cell.value for cell in data[2]], strict=True))
    assert headers == EXAMPLE_IMPORT_COLUMNS
    assert sample["Titre"] and sample["Territoire"] == "Lille" and sample["Année de début"]
    guide = {row[0]: row[1:] for row in book["Mode d'emploi"].iter_rows(values_only=True)}
    assert set(EXAMPLE_IMPORT_COLUMNS) <= set(guide)
    assert guide["Titre"][0] == "oui" and guide["Résumé"][0] == "non"
    assert "Publié" in guide["Statut"][2] and "porteur" in guide["Partenaires"][2]
    lists = drop_downs(data)
    assert lists["Statut"] == ["Brouillon", "Publié", "Archivé"]
    assert "Locale" in lists["Échelle"] and "Mécénat" in lists["Types de partenariat"]
    assert set(lists) >= {"Statut", "Échelle", "Types de partenariat", "Domaines", "ODD"}
    roles = [row[-1] for row in book["Listes"].iter_rows(values_only=True) if row[-1]]
    assert roles[0] == "Rôles des partenaires" and "Porteur" in roles


def test_xlsx_model_of_actors_offers_the_actor_types(client, curator):
    book = openpyxl.load_workbook(io.BytesIO(download(client, "actor", "xlsx")))
    assert book.sheetnames[:2] == ["Acteurs", "Mode d'emploi"]
    assert "Association" in drop_downs(book["Acteurs"])["Type d'acteur"]


@pytest.mark.parametrize("extension", ["csv", "xlsx", "ods"])
@pytest.mark.parametrize("model", SHEETS)
def test_every_model_reads_back_and_its_sample_row_imports(client, curator, model, extension):
    from catalogue.sheets.actors import ActorResource
    from catalogue.sheets.examples import ExampleResource

    data = download(client, model, extension)
    dataset = read_dataset(data, extension)
    assert dataset.headers == SHEETS[model] and len(dataset) == 1
    sheet = ExampleResource if model == "example" else ActorResource
    outcome = run_import(data=data, extension=extension, sheet=sheet, dry_run=True)
    assert outcome.problems == [] and outcome.totals["new"] == 1


def test_import_page_lists_only_the_columns_it_imports_and_links_to_the_format(client, curator):
    page = client.get("/admin/catalogue/example/import/").content.decode()
    for column in ("Nom du territoire", "Types d'acteurs", "Lien public", "Modifié le"):
        assert column not in page
    assert "Titre" in page and "Partenaires" in page
    assert "docs/import-export.md" not in page
    assert 'href="/admin/catalogue/example/import/format/"' in page
    guide = client.get("/admin/catalogue/example/import/format/")
    assert guide.status_code == 200
    text = guide.content.decode()
    assert "Bretagne (région)" in text and "Archivé" in text and "Vienne (38)" in text
    assert client.get("/admin/catalogue/actor/import/format/").status_code == 200
