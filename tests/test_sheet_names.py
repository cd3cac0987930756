"""Names in spreadsheets as people type them: typographic characters, territory forms,
formulas. Run on SQLite and on PostgreSQL: both must give the same answers."""

import csv
import io

import pytest
import tablib

from catalogue.models import Actor, Example
from catalogue.sheets.actors import ActorResource
from catalogue.sheets.examples import ExampleResource
from catalogue.sheets.formats import read_dataset
from catalogue.sheets.outcomes import problems
from french.text import fold

from .factories import ActorFactory

pytestmark = pytest.mark.django_db

TYPOGRAPHIC_NAMES = [
    "Université Côte d'Azur — Chaire Territoires",
    "L’Îlot Vert",
    "Fondation « Demain »",
]


def run_import(resource, dataset, *, dry_run=False):
    return resource.import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)


def csv_file(headers, *rows) -> tablib.Dataset:
    """A CSV as French Excel writes it, read back through the import's reader."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([headers, *rows])
    return read_dataset(buffer.getvalue().encode("utf-8"), "csv")


def test_actors_with_typographic_names_are_named_by_the_examples_sheet():
    actors = csv_file(
        ["Nom", "Type d'acteur"], *([name, "Association"] for name in TYPOGRAPHIC_NAMES)
    )
    result = run_import(ActorResource(), actors)
    assert problems(result) == [] and result.totals["new"] == 3

    partners = "; ".join(f"{name} (partenaire)" for name in TYPOGRAPHIC_NAMES)
    examples = csv_file(
        ["Titre", "Territoire", "Année de début", "Partenaires"],
        ["Chaire des transitions", "commune-59350", "2022", partners],
        # As a keyboard types them: straight quotes, hyphens, non-breaking spaces.
        [
            "Chaire bis",
            "commune-59350",
            "2023",
            "université cote d’azur - chaire\u00a0territoires; L'Ilot vert; "
            'Fondation "Demain" (financeur)',
        ],
    )
    result = run_import(ExampleResource(), examples)
    assert problems(result) == []
    for title in ("Chaire des transitions", "Chaire bis"):
        names = set(Example.objects.get(title=title).partners.values_list("name", flat=True))
        assert names == set(TYPOGRAPHIC_NAMES)


def test_fold_reads_typography_as_a_keyboard_types_it():
    assert fold("L’Îlot\u202fVert — «\u00a0Demain\u00a0»") == 'l\'ilot vert - "demain"'
    assert fold("Œuvre ﬁnale – Æsope") == "oeuvre finale - aesope"
    assert fold("a\u2009b\u00a0 c") == "a b c"


def test_every_write_path_stores_the_folded_name():
    actor = ActorFactory(name="L’Îlot Vert")
    assert Actor.objects.get(pk=actor.pk).folded_name == "l'ilot vert"
    headers = ["Identifiant", "Nom", "Type d'acteur"]
    dataset = tablib.Dataset([actor.slug, "Fondation « Demain »", "Fondation"], headers=headers)
    assert problems(run_import(ActorResource(), dataset)) == []
    assert Actor.objects.get(pk=actor.pk).folded_name == 'fondation "demain"'


def test_one_resource_imports_several_files():
    """Per-file state starts afresh: the second file is not compared with the first."""
    resource = ExampleResource()
    headers = ["Référence", "Titre", "Territoire", "Année de début"]
    dataset = tablib.Dataset(["", "Verger", "commune-59350", 2020], headers=headers)
    assert problems(run_import(resource, dataset)) == []
    reference = Example.objects.get(title="Verger").reference
    update = tablib.Dataset([reference, "Verger partagé", "commune-59350", 2020], headers=headers)
    for _attempt in range(2):
        result = run_import(resource, update, dry_run=True)
        assert problems(result) == [] and result.totals["update"] == 1


TERRITORY_HEADERS = ["Titre", "Territoire", "Année de début"]


@pytest.mark.parametrize(
    "cell, slug",
    [
        ("region-53", "region-53"),
        ("29151", "commune-29151"),  # an INSEE commune code
        ("59", "departement-59"),  # a département code, never the région numbered alike
        ("2A", "departement-2a"),
        ("200093201", "epci-200093201"),
        ("Bretagne (région)", "region-53"),
        ("Vienne (38)", "commune-38544"),
        ("Vienne (86)", "departement-86"),
        ("Saint-Denis (93)", "commune-93066"),
        ("saint-denis (974)", "commune-97411"),
        ("Lille", "commune-59350"),
    ],
)
def test_territory_cells_accept_the_forms_people_write(cell, slug):
    dataset = tablib.Dataset(["Verger", cell, 2020], headers=TERRITORY_HEADERS)
    result = run_import(ExampleResource(), dataset)
    assert problems(result) == []
    assert Example.objects.get().territory.slug == slug


def test_an_ambiguous_territory_lists_the_forms_that_name_each_one():
    dataset = tablib.Dataset(["Verger", "Bretagne", 2020], headers=TERRITORY_HEADERS)
    [problem] = problems(run_import(ExampleResource(), dataset, dry_run=True))
    assert problem.column == "Territoire"
    message = problem.message
    assert "« Bretagne (région) »" in message
    assert "« Bretagne (36) »" in message and "« Bretagne (90) »" in message
    for form in ("Bretagne (région)", "Bretagne (36)", "Bretagne (90)"):  # each one works
        dataset = tablib.Dataset(["Verger", form, 2020], headers=TERRITORY_HEADERS)
        assert problems(run_import(ExampleResource(), dataset, dry_run=True)) == []


def test_a_formula_cell_gets_its_own_message():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Titre", "Territoire", "Année de début", "Domaines"])
    sheet.append(['=CONCATENER("Jardin")', "commune-59350", 2020, "=A2"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run_import(ExampleResource(), read_dataset(buffer.getvalue(), "xlsx"), dry_run=True)
    found = {p.column: p.message for p in problems(result)}
    assert set(found) == {"Titre", "Domaines"}
    assert "contient une formule" in found["Titre"] and "saisissez le texte" in found["Titre"]
    assert "=A2" in found["Domaines"]


def test_a_territory_named_by_its_code_still_flags_likely_duplicates():
    from .factories import ExampleFactory

    existing = ExampleFactory(title="Jardin partagé des Moulins")  # in Lille, 59350
    dataset = tablib.Dataset(
        ["Jardin partagé des Moulins", "59350", 2020], headers=TERRITORY_HEADERS
    )
    result = run_import(ExampleResource(), dataset, dry_run=True)
    assert any(existing.reference in warning for warning in result.rows[0].warnings)
