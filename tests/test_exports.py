"""/exemples/export.<csv|xlsx|ods>: the list people saw, safe to open, back in by import."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow

from catalogue.choices import ExampleStatus
from catalogue.sheets.columns import EXAMPLE_COLUMNS
from catalogue.sheets.examples import ExampleResource
from catalogue.sheets.formats import read_dataset
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def download(client, extension, query=""):
    response = client.get(f"/exemples/export.{extension}{'?' + query if query else ''}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def csv_rows(body):
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(body):
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Exemples"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def ods_cells(body):
    """Each row of the first sheet as its table:table-cell elements."""
    first = load_ods(io.BytesIO(body)).spreadsheet.getElementsByType(Table)[0]
    return [row.getElementsByType(TableCell) for row in first.getElementsByType(TableRow)]


def ods_text(cell):
    return "\n".join(str(p) for p in cell.childNodes)


@pytest.fixture
def listed():
    """Thirty published examples in the Nord and a few that a filter or status leaves out."""
    association = ActorFactory(name="Association Élan")
    for index in range(30):
        ExampleFactory(
            title=f"Alliance du Nord {index:02d}", partners=[association], odd=[4],
            start_year=2000 + index % 7,
        )  # fmt: skip
    ExampleFactory(title="Alliance parisienne", territory=paris(), odd=[4])
    ExampleFactory(title="Brouillon du Nord", status=ExampleStatus.BROUILLON, odd=[4])
    ExampleFactory(title="Archive du Nord", status=ExampleStatus.ARCHIVE, odd=[4])


def paris():
    return Territory.objects.get(slug="commune-75056")


def page_references(client, query):
    references, page = [], 1
    while True:
        response = client.get(f"/exemples/?{query}&page={page}")
        references += [example.reference for example in response.context["examples"]]
        if not response.context["page_obj"].has_next():
            return references
        page += 1


@pytest.mark.parametrize("extension", ["csv", "xlsx", "ods"])
def test_export_rows_are_the_filtered_list_in_order_across_pages(client, listed, extension):
    query = "territoire=departement-59&odd=4&tri=ancien"
    expected = page_references(client, query)
    assert len(expected) == 30  # two pages of the list
    response, body = download(client, extension, query)
    assert response.status_code == 200
    if extension == "csv":
        rows = csv_rows(body)
    elif extension == "xlsx":
        rows = xlsx_rows(body)
    else:
        rows = [[ods_text(cell) for cell in row] for row in ods_cells(body)]
    assert rows[0] == EXAMPLE_COLUMNS
    assert [row[0] for row in rows[1:]] == expected


def test_export_never_contains_drafts_or_archives(client, listed):
    _response, body = download(client, "csv")
    titles = {row[1] for row in csv_rows(body)[1:]}
    assert "Alliance parisienne" in titles
    assert not {"Brouillon du Nord", "Archive du Nord"} & titles


def test_export_filename_says_what_is_inside(client, listed):
    response, _body = download(client, "xlsx", "territoire=departement-59")
    assert re.fullmatch(
        r'attachment; filename="exemples-\d{4}-\d{2}-\d{2}-nord\.xlsx"',
        response["Content-Disposition"],
    )
    response, _body = download(client, "csv")
    assert re.fullmatch(
        r'attachment; filename="exemples-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )


def test_csv_is_streamed_with_a_bom(client, listed):
    response = client.get("/exemples/export.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.fixture
def hostile():
    evil = ActorFactory(name="=cmd|' /C calc'!A0")
    return ExampleFactory(
        title='=HYPERLINK("http://evil.example";"clic")',
        summary="+33 1 23 45 67 89",
        description="@SUM(1+1)",
        partners=[evil],
        start_year=2021,
        end_year=2023,
        website="https://ok.example.org",
    )


def test_csv_neutralises_formulas_and_keeps_numbers(client, hostile):
    _response, body = download(client, "csv")
    row = dict(zip(EXAMPLE_COLUMNS, csv_rows(body)[1], strict=True))
    assert row["Titre"].startswith("'=")
    assert row["Résumé"] == "'+33 1 23 45 67 89"
    assert row["Description"] == "'@SUM(1+1)"
    assert row["Année de début"] == "2021" and row["Année de fin"] == "2023"


def test_xlsx_neutralises_formulas_keeps_numbers_and_dates(client, hostile):
    _response, body = download(client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Exemples"]
    cells = dict(zip(EXAMPLE_COLUMNS, sheet[2], strict=True))
    for column in ("Titre", "Résumé", "Description", "Partenaires"):
        assert cells[column].data_type == "s", column
        assert cells[column].value.startswith("'"), column
    assert cells["Année de début"].data_type == "n" and cells["Année de début"].value == 2021
    assert cells["Modifié le"].is_date


def test_ods_neutralises_formulas_and_keeps_numbers(client, hostile):
    _response, body = download(client, "ods")
    cells = dict(zip(EXAMPLE_COLUMNS, ods_cells(body)[1], strict=True))
    for column in ("Titre", "Résumé", "Description", "Partenaires"):
        cell = cells[column]
        assert not cell.getAttrNS(TABLENS, "formula"), column
        assert cell.getAttrNS(OFFICENS, "value-type") == "string"
        assert ods_text(cell).startswith("'"), column
    year = cells["Année de début"]
    assert year.getAttrNS(OFFICENS, "value-type") == "float"
    assert year.getAttrNS(OFFICENS, "value") == "2021"
    assert cells["Modifié le"].getAttrNS(OFFICENS, "value-type") == "date"


def test_xlsx_has_a_frozen_filtered_header_and_an_about_sheet(client, listed):
    _response, body = download(client, "xlsx", "territoire=departement-59&odd=4")
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Exemples", "À propos"]
    sheet = workbook["Exemples"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:V31"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    about = dict(workbook["À propos"].iter_rows(values_only=True))
    assert about["Nombre d'exemples"] == 30
    assert about["Filtres"] == "Territoire : Nord (59) ; ODD : ODD 4 : Éducation de qualité"
    assert "Licence" in about and "Source" in about
    assert about["Partenaires"].startswith("Partenaires et leur rôle")


def test_ods_has_a_frozen_header_an_autofilter_and_an_about_sheet(client, listed):
    _response, body = download(client, "ods", "odd=4")
    archive = zipfile.ZipFile(io.BytesIO(body))
    content = archive.read("content.xml").decode()
    assert 'table:display-filter-buttons="true"' in content
    assert 'table:name="À propos"' in content
    settings_xml = archive.read("settings.xml").decode()
    assert '"VerticalSplitMode" config:type="short">2<' in settings_xml


@pytest.mark.parametrize("extension", ["csv", "xlsx", "ods"])
def test_public_export_imports_back_with_zero_changes(client, listed, hostile, extension):
    _response, body = download(client, extension)
    result = ExampleResource().import_data(
        read_dataset(body, extension), dry_run=True, rollback_on_validation_errors=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == result.totals["update"] == 0
    assert result.totals["skip"] == 32


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_spreadsheet_formats_refuse_large_lists_and_point_to_csv(
    client, listed, settings, extension
):
    settings.EXPORT_MAX_ROWS_SPREADSHEET = 10
    response, body = download(client, extension, "odd=4")
    assert response.status_code == 413
    assert "/exemples/export.csv?odd=4" in body.decode()
    response, _body = download(client, "csv", "odd=4")
    assert response.status_code == 200


def test_bad_filter_refuses_the_export_with_its_error(client, listed):
    response, body = download(client, "xlsx", "odd=99")
    assert response.status_code == 400
    assert "99 n’en fait pas partie" in body.decode()


def test_list_pages_offer_downloads_that_keep_their_filters(client, listed):
    content = client.get("/exemples/?odd=4&territoire=departement-59").content.decode()
    assert 'href="/exemples/export.xlsx?odd=4&amp;territoire=departement-59">Excel</a>' in content
    content = client.get("/territoires/departement-59/").content.decode()
    assert 'href="/exemples/export.csv?territoire=departement-59">CSV</a>' in content
