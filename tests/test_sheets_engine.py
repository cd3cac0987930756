"""What a background worker would call: `run_import` and the writers, without a request."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from catalogue.models import Example
from catalogue.sheets.columns import EXAMPLE_COLUMNS
from catalogue.sheets.engine import run_import
from catalogue.sheets.examples import ExampleResource, example_rows
from catalogue.sheets.formats import read_dataset
from catalogue.sheets.writers import WRITERS

from .factories import ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = (
    "Titre;Territoire;Année de début\r\n"
    "Verger partagé;commune-59350;2021\r\n"
    "Atelier vélo;Lille;{year}\r\n"
)


def test_run_import_writes_everything_with_history_in_the_user_s_name():
    user = UserFactory()
    outcome = run_import(
        data=CSV.format(year=2022).encode(),
        extension="csv",
        sheet=ExampleResource,
        user=user,
        file_name="alliances.csv",
    )
    assert outcome.succeeded and outcome.problems == []
    assert outcome.totals["new"] == 2
    assert set(Example.objects.values_list("created_by", flat=True)) == {user.pk}
    history = LogEntry.objects.filter(user=user, action_flag=ADDITION)
    assert history.count() == 2
    assert all("alliances.csv" in entry.change_message for entry in history)


def test_run_import_writes_nothing_when_a_row_or_the_file_is_wrong():
    user = UserFactory()
    outcome = run_import(
        data=CSV.format(year="deux mille").encode(), extension="csv", sheet=ExampleResource,
        user=user,
    )  # fmt: skip
    assert not outcome.succeeded
    assert [(p.line, p.column) for p in outcome.problems] == [(3, "Année de début")]
    broken = run_import(data=b"PK\x03\x04", extension="xlsx", sheet=ExampleResource, user=user)
    assert not broken.succeeded and "XLSX" in broken.problems[0].message
    assert Example.objects.count() == 0 and LogEntry.objects.count() == 0


@pytest.mark.parametrize("extension", WRITERS)
def test_each_writer_writes_a_file_on_disk_that_reads_back(tmp_path, extension):
    ExampleFactory(title="Verger", description="Ligne 1\r\nLigne 2")
    path = tmp_path / f"exemples.{extension}"
    with path.open("wb") as out:
        WRITERS[extension](out, EXAMPLE_COLUMNS, example_rows(Example.objects.all()))
    dataset = read_dataset(path.read_bytes(), extension)
    assert dataset.headers == EXAMPLE_COLUMNS
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Titre"] == "Verger" and row["Code INSEE"] == "59350"
    assert row["Description"].replace("\r\n", "\n") == "Ligne 1\nLigne 2"
