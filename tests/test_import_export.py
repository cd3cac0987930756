"""The spreadsheet contract: round trips, all-or-nothing imports, matching, duplicates, limits."""

import io
import time
import zipfile

import pytest
import tablib

from catalogue.choices import ExampleStatus, PartnerRole
from catalogue.models import Actor, Example, Partnership
from catalogue.sheets import columns
from catalogue.sheets.actors import ActorResource, actors_dataset
from catalogue.sheets.cells import neutralise_formula
from catalogue.sheets.examples import ExampleResource, examples_dataset
from catalogue.sheets.formats import CSV, ODS, XLSX, read_dataset
from catalogue.sheets.outcomes import problems
from catalogue.sheets.readers import check_shared_strings
from catalogue.sheets.rows import SpreadsheetError
from catalogue.validators import luhn_is_valid
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMATS = {"csv": CSV, "xlsx": XLSX, "ods": ODS}
HEADERS = ["Référence", "Titre", "Territoire", "Année de début", "ODD", "Partenaires"]


def valid_siren(start: int) -> str:
    number = start
    while not luhn_is_valid(f"{number:09d}"):
        number += 1
    return f"{number:09d}"


def run_import(resource_class, dataset, *, dry_run, user=None):
    return resource_class().import_data(
        dataset, dry_run=dry_run, rollback_on_validation_errors=True, user=user
    )


def catalogue_state():
    """Everything an import could change, to compare before and after."""
    return (
        sorted(
            Example.objects.values_list(
                "reference", "title", "status", "territory_id", "start_year", "version"
            )
        ),
        sorted(Actor.objects.values_list("slug", "name", "siren")),
        sorted(Partnership.objects.values_list("example__reference", "actor__slug", "role")),
        sorted(Example.objectives.through.objects.values_list("example_id", "objective_id")),
        sorted(Example.domains.through.objects.values_list("example_id", "domain_id")),
    )


@pytest.fixture
def varied_catalogue():
    """Examples and actors with everything that could break a round trip."""
    mairie = ActorFactory(
        name="Ville de Lille (Nord)", actor_type="collectivite", siren=valid_siren(217_000_000)
    )
    ActorFactory(name="Régie de quartier", actor_type="association")
    twin = ActorFactory(name="Régie de quartier", actor_type="entreprise")
    evil = ActorFactory(name='=HYPERLINK("http://x")', rna="W595012345")
    ExampleFactory(
        title="-Jardin partagé des Moulins",
        description="Première ligne\r\nSeconde ligne ; avec point-virgule",
        partners=[(mairie, PartnerRole.PORTEUR), (twin, PartnerRole.FINANCEUR), evil],
        domains=["sante", "alimentation"],
        odd=[2, 17],
        alliance=[3],
        scale="local",
        end_year=2024,
        website="https://jardin.example.org",
    )
    ExampleFactory(title="Atelier vélo", status=ExampleStatus.BROUILLON, summary="@mention")


@pytest.mark.parametrize("extension", FORMATS)
def test_export_round_trip_changes_nothing(varied_catalogue, extension):
    file_format = FORMATS[extension]()
    before = catalogue_state()
    for resource_class, dataset in (
        (ExampleResource, examples_dataset()),
        (ActorResource, actors_dataset()),
    ):
        data = file_format.export_data(dataset)
        result = run_import(resource_class, read_dataset(data, extension), dry_run=True)
        assert problems(result) == []
        assert result.totals["new"] == result.totals["update"] == 0
        assert result.totals["skip"] == len(dataset)
        # Confirming the import of an unchanged file writes nothing either.
        result = run_import(resource_class, read_dataset(data, extension), dry_run=False)
        assert result.totals["update"] == 0
    assert catalogue_state() == before


def test_export_neutralises_formulas_and_keeps_numbers_typed(varied_catalogue):
    dataset = examples_dataset(Example.objects.filter(title__startswith="-"))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Titre"] == "'-Jardin partagé des Moulins"
    assert row["Année de début"] == 2020
    assert '\'=HYPERLINK("http://x") (partenaire)' not in row["Partenaires"]
    assert row["Partenaires"].startswith("Ville de Lille (Nord) (porteur); regie-de-quartier")
    assert row["Lien public"].endswith("/exemples/jardin-partage-des-moulins/")
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("\tx") == "'\tx"
    assert neutralise_formula(42) == 42
    assert neutralise_formula("Lille") == "Lille"


# Domains, partnership types, objectives, actor names (to spot ambiguous ones), régions and
# départements; then per chunk of 2,000: the examples, their domains, objectives,
# partnership types and partners.
EXPORT_QUERIES = 10


@pytest.mark.parametrize("count", [1, 16])
def test_examples_dataset_runs_a_fixed_number_of_queries(django_assert_num_queries, count):
    for _index in range(count):
        ExampleFactory(partners=[ActorFactory()], domains=["culture"], odd=[3, 5], alliance=[1])
    with django_assert_num_queries(EXPORT_QUERIES):
        dataset = examples_dataset(Example.objects.all())
    assert len(dataset) == count


def example_rows(count, *, lille_actor):
    return [
        ["", f"Alliance importée numéro {n}", "commune-59350", 2021, "4; ODD 17",
         f"{lille_actor.name} (porteur)"]
        for n in range(count)
    ]  # fmt: skip


def test_import_with_one_bad_row_among_500_writes_nothing_and_names_it():
    actor = ActorFactory(name="Collectif des Moulins")
    existing = ExampleFactory(title="Titre d'origine")
    rows = example_rows(500, lille_actor=actor)
    rows[0] = [existing.reference, "Titre modifié", "commune-59350", 2021, "4", ""]
    rows[311][2] = "Lile-sur-Mer"  # line 313 of the spreadsheet (line 1 holds the headers)
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    data = XLSX().export_data(dataset)
    before = catalogue_state()

    result = run_import(ExampleResource, read_dataset(data, "xlsx"), dry_run=False)

    found = problems(result)
    assert [(p.line, p.column, p.value) for p in found] == [(313, "Territoire", "Lile-sur-Mer")]
    assert "Territoire inconnu" in found[0].message
    assert Example.objects.count() == 1
    assert catalogue_state() == before
    existing.refresh_from_db()
    assert existing.title == "Titre d'origine"


def test_import_creates_and_updates_by_reference_with_french_csv():
    user = UserFactory()
    porteur = ActorFactory(name="Association Énergie Solidaire")
    financeur = ActorFactory(name="Fondation Œuvres Sociales", actor_type="fondation")
    existing = ExampleFactory(title="Ancien titre", start_year=2019)
    text = (
        "REFERENCE ; titre;Territoire;annee de debut;Statut;Echelle;ODD;objectifs d’alliance;"
        "Domaines;Types de partenariat;Partenaires\r\n"
        f"{existing.reference};Nouveau titre;lille;2019;publié;Locale;ODD 4;3;Santé;mecenat;"
        "association energie solidaire (Porteur)\r\n"
        ";Épicerie solidaire;Hauts-de-France;2022;brouillon;régionale;Éducation de qualité; "
        'Innover;"sante; alimentation";Mécénat;'
        '"ASSOCIATION ÉNERGIE SOLIDAIRE (porteur); fondation oeuvres sociales (financeur)"\r\n'
        ";;;;;;;;;;\r\n;;;;;;;;;;\r\n"
    )
    data = text.encode("cp1252")

    result = run_import(ExampleResource, read_dataset(data, "csv"), dry_run=False, user=user)

    assert problems(result) == []
    assert result.totals["new"] == 1 and result.totals["update"] == 1
    existing.refresh_from_db()
    assert existing.title == "Nouveau titre"
    assert existing.version == 2 and existing.updated_by == user
    assert [o.number for o in existing.objectives.filter(family="odd")] == [4]
    created = Example.objects.get(title="Épicerie solidaire")
    assert created.reference == f"IA-{created.pk:05d}" and created.slug == "epicerie-solidaire"
    assert created.created_by == user and created.territory.slug == "region-32"
    assert created.scale == "regional" and created.status == "brouillon"
    assert sorted(created.domains.values_list("slug", flat=True)) == ["alimentation", "sante"]
    assert list(created.partnerships.values_list("actor", "role")) == [
        (porteur.pk, "porteur"),
        (financeur.pk, "financeur"),
    ]
    assert list(created.objectives.values_list("family", "number")) == [
        ("alliance", 3),
        ("odd", 4),
    ]


def test_import_reads_utf8_csv_with_bom_and_commas():
    data = "\ufeffTitre,Territoire,Année de début\nCafé des aidants,commune-59350,2020\n"
    result = run_import(ExampleResource, read_dataset(data.encode(), "csv"), dry_run=False)
    assert problems(result) == []
    assert Example.objects.get().title == "Café des aidants"


def test_import_names_every_unknown_or_ambiguous_value():
    ActorFactory(name="Régie de quartier")
    ActorFactory(name="Regie de Quartier", actor_type="entreprise")
    dataset = tablib.Dataset(
        ["", "A", "Saint-Denis", 2020, "18", "Régie de quartier (porteur)"],
        ["", "B", "commune-59350", "deux mille", "ODD 4", "Inconnue SA"],
        ["IA-99999", "C", "commune-59350", 2020, "", ""],
        headers=HEADERS,
    )
    result = run_import(ExampleResource, dataset, dry_run=True)
    found = {(p.line, p.column): p for p in problems(result)}
    assert set(found) == {
        (2, "Territoire"), (2, "ODD"), (2, "Partenaires"),
        (3, "Année de début"), (3, "Partenaires"), (4, "Référence"),
    }  # fmt: skip
    # The forms a cell may take to name each one, as the site writes them.
    assert "« Saint-Denis (93) »" in found[2, "Territoire"].message
    assert "« Saint-Denis (974) »" in found[2, "Territoire"].message
    assert "regie-de-quartier" in found[2, "Partenaires"].message
    assert "regie-de-quartier-2" in found[2, "Partenaires"].message
    assert found[3, "Année de début"].value == "deux mille"
    assert "« 18 »" in found[2, "ODD"].message


def test_import_refuses_unknown_and_missing_columns():
    dataset = tablib.Dataset(["X", 2020], headers=["Titr", "Année de début"])
    result = run_import(ExampleResource, dataset, dry_run=True)
    [problem] = problems(result)
    assert "« Titr »" in problem.message and "Territoire" in problem.message
    assert Example.objects.count() == 0


def test_import_flags_likely_duplicates_in_the_preview():
    existing = ExampleFactory(title="Jardin partagé des Moulins")
    dataset = tablib.Dataset(
        ["", "Jardin  PARTAGE des moulins", "commune-59350", 2020, "", ""],
        ["", "Le jardin partagé des Moulins", "commune-59350", 2021, "", ""],
        ["", "Jardin partagé des Moulins", "commune-75056", 2021, "", ""],
        headers=HEADERS,
    )
    result = run_import(ExampleResource, dataset, dry_run=True)
    warnings = [r.warnings for r in result.rows]
    assert existing.reference in warnings[0][0]
    assert any("ligne 2" in w for w in warnings[1])
    assert warnings[2] == []


def test_actor_import_flags_duplicates_by_siren_rna_and_name():
    siren = valid_siren(775_000_000)
    existing = ActorFactory(name="Secours Populaire", siren=siren)
    dataset = tablib.Dataset(
        ["", "Autre nom", "association", siren, "", ""],
        ["", "SECOURS populaire", "Association", "", "W595012345", "Lille"],
        ["", "Troisième", "fondation", "", "W595012345", ""],
        headers=["Identifiant", "Nom", "Type d'acteur", "SIREN", "RNA", "Territoire"],
    )
    result = run_import(ActorResource, dataset, dry_run=True)
    found = {(p.line, p.column): p.message for p in problems(result)}
    assert existing.slug in found[2, "SIREN"]
    assert "ligne 3" in found[4, "RNA"]
    assert any(existing.slug in w for w in result.rows[1].warnings)


def test_actor_import_creates_with_slug_and_updates_by_identifier():
    actor = ActorFactory(name="Ancien nom")
    dataset = tablib.Dataset(
        [actor.slug, "Nouveau nom", "Entreprise", "", ""],
        ["", "Maison de l'emploi", "Acteur de l'accompagnement", 552100554, "commune-59350"],
        headers=["identifiant", "NOM", "Type d'acteur", "SIREN", "territoire"],
    )
    result = run_import(ActorResource, dataset, dry_run=False)
    assert problems(result) == []
    actor.refresh_from_db()
    assert (actor.name, actor.actor_type) == ("Nouveau nom", "entreprise")
    created = Actor.objects.get(slug="maison-de-lemploi")
    assert created.siren == "552100554" and created.actor_type == "accompagnement"


def test_import_ignores_trailing_blank_rows():
    dataset = tablib.Dataset(
        ["", "Seule ligne", "commune-59350", 2020, "", ""],
        *[[None] * 6 for _index in range(50)],
        headers=HEADERS,
    )
    data = read_dataset(XLSX().export_data(dataset), "xlsx")
    assert len(data) == 1
    result = run_import(ExampleResource, data, dry_run=False)
    assert problems(result) == [] and Example.objects.count() == 1


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_reader_refuses_truncated_xlsx():
    data = XLSX().export_data(tablib.Dataset(["a"], headers=["Titre"]))
    with pytest.raises(SpreadsheetError, match="XLSX valide"):
        read_dataset(data[: len(data) // 2], "xlsx")


def test_reader_refuses_xml_entity_expansion():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
        b"&b;</office:document-content>"
    )
    with pytest.raises(SpreadsheetError, match="interdites"):
        read_dataset(zip_bytes({"mimetype": b"x", "content.xml": bomb}), "ods")
    xlsx = io.BytesIO(XLSX().export_data(tablib.Dataset(["a"], headers=["Titre"])))
    with zipfile.ZipFile(xlsx) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name in members if name.startswith("xl/worksheets/"))
    members[sheet] = b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + members[
        sheet
    ].replace(b"<dimension", b"<dimension>&b;</dimension><dimension", 1)
    with pytest.raises(SpreadsheetError):
        read_dataset(zip_bytes(members), "xlsx")


def test_reader_refuses_a_zip_bomb_without_inflating_it():
    data = zip_bytes({"content.xml": b"0" * (200 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    with pytest.raises(SpreadsheetError, match="par précaution"):
        read_dataset(data, "ods")


def test_reader_enforces_size_and_row_caps(settings):
    settings.IMPORT_MAX_ROWS = 10
    dataset = tablib.Dataset(*[[f"t{n}"] for n in range(11)], headers=["Titre"])
    for extension, file_format in FORMATS.items():
        with pytest.raises(SpreadsheetError, match="plus de 10 lignes"):
            read_dataset(file_format().export_data(dataset), extension)
    settings.IMPORT_MAX_FILE_SIZE = 100
    with pytest.raises(SpreadsheetError, match="limite"):
        read_dataset(b"Titre\n" + b"x" * 200, "csv")


def test_column_order_is_the_contract():
    assert columns.EXAMPLE_IMPORT_COLUMNS == [
        "Référence", "Titre", "Résumé", "Description", "Statut", "Territoire", "Échelle",
        "Année de début", "Année de fin", "Domaines", "ODD", "Objectifs d'alliance",
        "Types de partenariat", "Partenaires", "Site web",
    ]  # fmt: skip
    assert examples_dataset(Example.objects.none()).headers == columns.EXAMPLE_COLUMNS
    assert actors_dataset(Actor.objects.none()).headers == columns.ACTOR_COLUMNS


def test_import_blank_status_keeps_the_current_status():
    published = ExampleFactory(title="Publiée", status=ExampleStatus.PUBLIE)
    dataset = tablib.Dataset(
        [published.reference, "Publiée, titre revu", "", "commune-59350", 2020],
        ["", "Nouvelle sans statut", "", "commune-59350", 2020],
        headers=["Référence", "Titre", "Statut", "Territoire", "Année de début"],
    )
    result = run_import(ExampleResource, dataset, dry_run=False)
    assert problems(result) == []
    published.refresh_from_db()
    assert published.status == ExampleStatus.PUBLIE
    assert Example.objects.get(title="Nouvelle sans statut").status == ExampleStatus.BROUILLON


def test_import_refuses_the_same_reference_twice():
    existing = ExampleFactory(title="Une seule fois")
    dataset = tablib.Dataset(
        [existing.reference, "Premier titre", "commune-59350", 2020, "", ""],
        [existing.reference, "Second titre", "commune-59350", 2020, "", ""],
        headers=HEADERS,
    )
    result = run_import(ExampleResource, dataset, dry_run=False)
    [problem] = problems(result)
    assert (problem.line, problem.column) == (3, "Référence") and "ligne 2" in problem.message
    existing.refresh_from_db()
    assert existing.title == "Une seule fois"


def test_csv_row_wider_than_the_headers_is_refused_with_its_line():
    data = "\ufeffTitre;Territoire;Année de début;Partenaires\n".encode()
    data += b"Jardin;commune-59350;2022;Banque (porteur); Transports SA (financeur)\n"
    with pytest.raises(SpreadsheetError, match=r"Ligne 2 .*colonne 5.*Transports SA"):
        read_dataset(data, "csv")


def test_trailing_empty_cells_beyond_the_headers_are_ignored():
    data = "Titre;Territoire;Année de début\nJardin;commune-59350;2022;;\n".encode()
    assert read_dataset(data, "csv")[0] == ("Jardin", "commune-59350", "2022")


def test_header_check_is_linear_in_the_width():
    # 60,000 headers took 36 s when each was counted against all the others.
    width = 60_000
    dataset = tablib.Dataset(headers=["Titre", "Territoire", "Année de début"] * (width // 3))
    started = time.perf_counter()
    with pytest.raises(ValueError, match="en double : Année de début, Territoire, Titre"):
        ExampleResource().normalise_headers(dataset)
    assert time.perf_counter() - started < 1


def test_reader_limits_come_from_the_settings(settings):
    settings.IMPORT_MAX_COLUMNS = 3
    with pytest.raises(SpreadsheetError, match="4 colonnes ; la limite est de 3"):
        read_dataset(b"Titre;Territoire;Ann\xc3\xa9e de d\xc3\xa9but;ODD\nA;lille;2020;4\n", "csv")
    settings.IMPORT_MAX_CELLS = 5
    data = "Titre;Territoire;Année de début\n" + "A;lille;2020\n" * 2
    with pytest.raises(SpreadsheetError, match="plus de 5 cellules"):
        read_dataset(data.encode(), "csv")
    settings.IMPORT_MAX_CELL_LENGTH = 10
    with pytest.raises(SpreadsheetError, match="colonne 1 : la cellule compte 11 caract"):
        read_dataset(XLSX().export_data(tablib.Dataset(["x" * 11], headers=["Titre"])), "xlsx")
    settings.IMPORT_MAX_UNPACKED_SIZE = 1024 * 1024
    with pytest.raises(SpreadsheetError, match=r"plus de 1 Mo \(« content.xml » seul : 2 Mo\)"):
        read_dataset(zip_bytes({"content.xml": b"0" * (2 * 1024 * 1024)}), "ods")


def test_shared_strings_are_counted_exactly_across_chunks(settings):
    # 150,000 strings: 2.6 MB, read in 1 MB chunks whose edges cut through <si> tags.
    strings = b"<sst>" + b"<si><t>abc</t></si>" * 150_000 + b"</sst>"
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes({"xl/sharedStrings.xml": strings})))
    settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELLS = 100, 150_000 - 100
    check_shared_strings(archive)
    settings.IMPORT_MAX_CELLS -= 1
    with pytest.raises(SpreadsheetError, match="plus de 149999 textes partagés"):
        check_shared_strings(archive)


def test_exports_name_the_insee_code_departement_and_region(varied_catalogue):
    example = dict(zip(columns.EXAMPLE_COLUMNS, examples_dataset()[0], strict=True))
    assert (example["Code INSEE"], example["Département"], example["Région"]) == (
        "59350", "Nord", "Hauts-de-France",
    )  # fmt: skip
    actors = actors_dataset()
    actor = dict(zip(actors.headers, actors[0], strict=True))
    assert (actor["Code INSEE"], actor["Département"], actor["Région"]) == (
        "59350", "Nord", "Hauts-de-France",
    )  # fmt: skip
    # A région or a département is its own région or département.
    region = ExampleFactory(territory=Territory.objects.get(slug="region-53"))
    [values] = examples_dataset(Example.objects.filter(pk=region.pk))
    row = dict(zip(columns.EXAMPLE_COLUMNS, values, strict=True))
    assert (row["Code INSEE"], row["Département"], row["Région"]) == ("53", "", "Bretagne")
