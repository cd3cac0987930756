"""The open-data dump: published data only, read from one snapshot, every identifier it
names present in it."""

import csv
import io
import json
import threading
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection

from catalogue.choices import ExampleStatus
from catalogue.models import Actor, Example, SearchWord
from opendata import dumps
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory


def make_catalogue():
    """Published examples, a draft and an archived one, each with an actor of its own."""
    shared = ActorFactory(name="Acteur des exemples publiés")
    created = {"shared": shared}
    for key, status, place in (
        ("published", ExampleStatus.PUBLIE, "commune-59350"),
        ("unpublished_later", ExampleStatus.PUBLIE, "commune-75056"),
        ("draft", ExampleStatus.BROUILLON, "commune-13055"),
        ("archived", ExampleStatus.ARCHIVE, "commune-69123"),
    ):
        own = ActorFactory(
            name=f"Acteur du seul exemple {key}", territory=Territory.objects.get(slug=place)
        )
        created[f"{key}_actor"] = own
        created[key] = ExampleFactory(
            title=f"Exemple {key}",
            status=status,
            territory=Territory.objects.get(slug=place),
            partners=[shared, own],
            domains=["alimentation"],
            odd=[4],
        )
    return created


def read_dump(folder):
    with zipfile.ZipFile(folder / dumps.ARCHIVE_NAME) as archive:
        package = json.loads(archive.read(dumps.DESCRIPTOR_NAME))
        tables = {}
        for resource in package["resources"]:
            if resource.get("profile") == "tabular-data-resource":
                text = archive.read(resource["path"]).decode("utf-8")
                tables[resource["name"]] = list(csv.DictReader(io.StringIO(text)))
        examples = json.loads(archive.read(dumps.JSON_NAME))
    return package, tables, examples


def assert_every_reference_resolves(package, tables, examples):
    for resource in package["resources"]:
        if resource["name"] not in tables:
            continue
        for foreign in resource["schema"]["foreignKeys"]:
            target = foreign["reference"]["resource"] or resource["name"]
            known = {row[foreign["reference"]["fields"]] for row in tables[target]}
            values = {row[foreign["fields"]] for row in tables[resource["name"]]} - {""}
            assert values <= known, (resource["name"], foreign["fields"], values - known)
    assert sorted(e["slug"] for e in examples) == sorted(r["slug"] for r in tables["exemples"])
    actors = {row["slug"] for row in tables["acteurs"]}
    places = {row["slug"] for row in tables["territoires"]}
    for example in examples:
        assert {p["acteur"] for p in example["partenaires"]} <= actors, example["slug"]
        assert example["territoire"]["slug"] in places, example["slug"]


def dumped_titles(tables, examples):
    csv_titles = {row["titre"] for row in tables["exemples"]}
    assert csv_titles == {e["titre"] for e in examples}
    return csv_titles


@pytest.mark.django_db
def test_dump_holds_published_data_only_and_every_reference_resolves(settings, tmp_path):
    created = make_catalogue()
    settings.OPEN_DATA_DIR = tmp_path
    call_command("export_open_data", stdout=io.StringIO())
    package, tables, examples = read_dump(tmp_path)
    assert dumped_titles(tables, examples) == {"Exemple published", "Exemple unpublished_later"}
    actors = {row["nom"] for row in tables["acteurs"]}
    assert created["draft_actor"].name not in actors
    assert created["archived_actor"].name not in actors
    assert created["published_actor"].name in actors
    places = {row["slug"] for row in tables["territoires"]}
    assert "commune-13055" not in places and "commune-69123" not in places
    assert_every_reference_resolves(package, tables, examples)


@pytest.fixture
def committed(django_db_blocker):
    """A catalogue committed outside any test transaction, so that another connection sees
    it and the dump opens its own transaction; removed afterwards (the reference data stay).
    pytest-django sets the test database up only when a collected test is marked django_db:
    the first test of this file is."""
    with django_db_blocker.unblock():
        # Never the real database: only the one pytest-django made for the tests.
        name = str(connection.settings_dict["NAME"])
        if not (name.startswith("test_") or "mode=memory" in name):
            pytest.skip("no test database: run with a test marked django_db (this file's first)")
        last_word = SearchWord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        created = make_catalogue()
        try:
            yield created
        finally:
            Example.objects.filter(title__startswith="Exemple ").delete()
            Actor.objects.filter(pk__in=[a.pk for k, a in created.items() if "actor" in k]).delete()
            created["shared"].delete()
            SearchWord.objects.filter(pk__gt=last_word).delete()


def after_the_examples_table(monkeypatch, action):
    """Run `action` once exemples.csv is written, before the other tables are read."""
    values = dumps.Table.values

    def values_then_act(table):
        yield from values(table)
        if table.name == "exemples":
            action()

    monkeypatch.setattr(dumps.Table, "values", values_then_act)


# The in-memory SQLite test database locks tables instead of keeping WAL snapshots.
@pytest.mark.postgresql
def test_dump_ignores_what_commits_while_it_runs(committed, monkeypatch, settings, tmp_path):
    def publish_and_unpublish_elsewhere():
        def write():
            try:
                Example.objects.filter(pk=committed["draft"].pk).update(status=ExampleStatus.PUBLIE)
                Example.objects.filter(pk=committed["unpublished_later"].pk).update(
                    status=ExampleStatus.BROUILLON
                )
            finally:
                connection.close()

        writer = threading.Thread(target=write)
        writer.start()
        writer.join()

    after_the_examples_table(monkeypatch, publish_and_unpublish_elsewhere)
    settings.OPEN_DATA_DIR = tmp_path
    call_command("export_open_data", stdout=io.StringIO())
    assert Example.objects.get(pk=committed["draft"].pk).status == ExampleStatus.PUBLIE
    package, tables, examples = read_dump(tmp_path)
    # The catalogue as it was when the dump began, in every file.
    assert dumped_titles(tables, examples) == {"Exemple published", "Exemple unpublished_later"}
    assert committed["draft_actor"].name not in {row["nom"] for row in tables["acteurs"]}
    assert_every_reference_resolves(package, tables, examples)


@pytest.mark.sqlite  # SQLite's read transaction
def test_dump_reads_sqlite_in_one_read_transaction(committed, monkeypatch, settings, tmp_path):
    """In WAL mode, one read transaction is one snapshot: every table is read inside it."""
    seen = []
    after_the_examples_table(monkeypatch, lambda: seen.append(connection.connection.in_transaction))
    settings.OPEN_DATA_DIR = tmp_path
    call_command("export_open_data", stdout=io.StringIO())
    assert seen == [True]
    assert not connection.connection.in_transaction
    package, tables, examples = read_dump(tmp_path)
    assert dumped_titles(tables, examples) == {"Exemple published", "Exemple unpublished_later"}
    assert_every_reference_resolves(package, tables, examples)
