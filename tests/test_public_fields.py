"""An example's public fields, held together across the three places that write them.

The spreadsheet (`catalogue/sheets/columns.py` and `examples.py`), the open-data dump
(`opendata/dumps.py` TABLES) and the API (`opendata.serializers.ExampleSerializer`) each
declare them, in their own shape: French cells an import reads back, CSV tables joined by
ids, nested JSON. FIELDS below says where each field of `Example` goes in each of them;
a field added to the model, or to one of the three without the others, fails here until
it is placed (docs/architecture.md, "An example's public fields").
"""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from catalogue.models import Example
from catalogue.sheets import columns
from catalogue.sheets.examples import ExampleResource
from contributions.models import Proposal
from opendata import dumps
from opendata.serializers import ExampleSerializer

from .factories import ExampleFactory

# Example field -> (spreadsheet columns, dump column or link table, API fields). A blank
# entry leaves the field out of that place on purpose (the comment says why).
FIELDS = {
    "reference": ([columns.REFERENCE], "exemples.reference", ["reference"]),
    "slug": ([columns.PUBLIC_LINK], "exemples.slug", ["slug", "url"]),
    "title": ([columns.TITLE], "exemples.titre", ["titre"]),
    "summary": ([columns.SUMMARY], "exemples.resume", ["resume"]),
    "description": ([columns.DESCRIPTION], "exemples.description", ["description"]),
    # Only published examples leave the site: the dump and the API need no status.
    "status": ([columns.STATUS], "", []),
    "territory": (
        [columns.TERRITORY, columns.TERRITORY_NAME, *columns.PLACE_COLUMNS],
        "exemples.territoire_id",
        ["territoire"],
    ),
    "scale": ([columns.SCALE], "exemples.echelle", ["echelle"]),
    "start_year": ([columns.START_YEAR], "exemples.annee_debut", ["annee_debut"]),
    "end_year": ([columns.END_YEAR], "exemples.annee_fin", ["annee_fin"]),
    "website": ([columns.WEBSITE], "exemples.site_web", ["site_web"]),
    # The spreadsheet is what curators edit and import back: no dates they cannot change.
    "verified_on": ([], "exemples.verifie_le", ["verifie_le"]),
    "created_at": ([], "exemples.cree_le", ["cree_le"]),
    "updated_at": ([columns.UPDATED_AT], "exemples.modifie_le", ["modifie_le"]),
    "domains": ([columns.DOMAINS], "exemples_domaines", ["domaines"]),
    "objectives": ([columns.ODD, columns.ALLIANCE], "exemples_objectifs", ["odd", "objectifs"]),
    "partnership_types": (
        [columns.PARTNERSHIP_TYPES],
        "exemples_types_partenariat",
        ["types_partenariat"],
    ),
    "partnerships": ([columns.PARTNERS, columns.ACTOR_TYPES], "partenariats", ["partenaires"]),
}
# Never written outside the admin: who created or changed an example, where it came from,
# the proposer's contact (`contributions.Proposal`), the locking version, the search vector.
PRIVATE = {
    "id", "origin", "created_by", "updated_by", "version", "search_vector", "proposal",
    "partners",  # the actors through `partnerships`, which holds their role and order
}  # fmt: skip


def test_every_field_of_an_example_is_public_or_private():
    names = {field.name for field in Example._meta.get_fields()}
    assert names == set(FIELDS) | PRIVATE
    assert not set(FIELDS) & PRIVATE


def test_the_spreadsheet_columns_are_the_public_fields():
    declared = [column for sheet, _dump, _api in FIELDS.values() for column in sheet]
    assert sorted(declared) == sorted(columns.EXAMPLE_COLUMNS)
    written = {
        field.attribute: field.column_name
        for field in ExampleResource().fields.values()
        if field.attribute
    }
    for name, column in written.items():
        assert column in FIELDS[name][0], name


def test_the_dump_columns_are_the_public_fields():
    tables = {table.name: table for table in dumps.TABLES}
    examples = {column.name: column.source for column in tables["exemples"].columns}
    declared = {dump for _sheet, dump, _api in FIELDS.values() if dump}
    assert {f"exemples.{name}" for name in examples if name != "id"} == {
        dump for dump in declared if dump.startswith("exemples.")
    }
    for name, (_sheet, dump, _api) in FIELDS.items():
        if dump.startswith("exemples."):
            assert examples[dump.removeprefix("exemples.")] in (name, f"{name}_id"), name
        elif dump:
            assert "exemple_id" in {column.name for column in tables[dump].columns}, name
    linked = {
        name for name, table in tables.items() if "exemple_id" in {c.name for c in table.columns}
    }
    assert linked == {dump for dump in declared if not dump.startswith("exemples.")}


def test_the_api_fields_are_the_public_fields():
    fields = ExampleSerializer().fields
    declared = [api for _sheet, _dump, apis in FIELDS.values() for api in apis]
    assert sorted(declared) == sorted(fields)
    for name, (_sheet, _dump, apis) in FIELDS.items():
        if not apis:
            continue
        sources = {fields[api].source for api in apis}
        # odd/objectifs split the objectives; url is built from the slug.
        assert sources & {name, "*"}, name


@pytest.mark.django_db
def test_private_fields_never_reach_the_dump_or_the_api(client, settings, tmp_path):
    curator = get_user_model().objects.create_user("curatrice-secrete", "curatrice@example.org")
    example = ExampleFactory(created_by=curator, updated_by=curator)
    Proposal.objects.create(
        example=example, email="proposant-secret@example.org", consented_at=timezone.now()
    )
    ExampleFactory(title="Brouillon secret", status="brouillon")
    secrets = ["curatrice", "proposant-secret", "Brouillon secret", "consent"]

    settings.OPEN_DATA_DIR = tmp_path
    call_command("export_open_data", stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / dumps.ARCHIVE_NAME) as archive:
        written = " ".join(archive.read(name).decode() for name in archive.namelist())
    assert example.title in written
    api = client.get("/api/v1/exemples/").content.decode()
    api += client.get(f"/api/v1/exemples/{example.slug}/").content.decode()
    assert example.title in api
    for secret in secrets:
        assert secret not in written
        assert secret not in api
