"""The model file curators download and fill in, and the page that explains the format.

One source for both: each column that an import reads, what it means, whether it is
required, and the values it allows (`guide_rows`). The model holds the data sheet
("Exemples" or "Acteurs") with a filled sample row, a "Mode d'emploi" sheet and, in XLSX,
drop-down lists for the closed lists (kept on a hidden "Listes" sheet).
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..choices import ActorType, ExampleStatus, ObjectiveFamily, PartnerRole, Scale
from ..models import Domain, Objective, PartnershipType
from .columns import (
    ACTOR_COLUMN_MEANINGS,
    ACTOR_TYPE,
    ALLIANCE,
    DOMAINS,
    EXAMPLE_COLUMN_MEANINGS,
    NAME,
    ODD,
    PARTNERS,
    PARTNERSHIP_TYPES,
    SCALE,
    START_YEAR,
    STATUS,
    SUMMARY,
    TERRITORY,
    TITLE,
    WEBSITE,
)
from .writers import column_widths, file_bytes

# Rows of the data sheet that the drop-down lists cover.
MODEL_ROWS = 1000
# Cells that hold several values separated by « ; »: their list suggests, it does not forbid.
MULTI_VALUED = (DOMAINS, ODD, ALLIANCE, PARTNERSHIP_TYPES)
# What the cell of each column accepts beyond its closed list (or instead of one).
FORMS = {
    ODD: "« 4 », « ODD 4 » ou l'intitulé",
    ALLIANCE: "« 1 » à « 4 » ou l'intitulé",
    PARTNERS: "Nom de l'acteur (rôle) ; rôle parmi : ",
}


def closed_lists(sheet) -> dict[str, list[str]]:
    """{column: the values it allows}, as the export writes them."""
    if sheet._meta.name == "Acteurs":
        return {ACTOR_TYPE: labels(ActorType)}
    objectives = list(Objective.objects.all())
    return {
        STATUS: labels(ExampleStatus),
        SCALE: labels(Scale),
        DOMAINS: list(Domain.objects.values_list("name", flat=True)),
        ODD: [f"ODD {o.number}" for o in objectives if o.family == ObjectiveFamily.ODD],
        ALLIANCE: [o.short_name for o in objectives if o.family == ObjectiveFamily.ALLIANCE],
        PARTNERSHIP_TYPES: list(PartnershipType.objects.values_list("name", flat=True)),
    }


def labels(choices) -> list[str]:
    return [str(label) for label in choices.labels]


def guide_rows(sheet) -> list[tuple[str, str, str, str]]:
    """(column, required, meaning, allowed values) for each column the import reads."""
    meanings = ACTOR_COLUMN_MEANINGS if sheet._meta.name == "Acteurs" else EXAMPLE_COLUMN_MEANINGS
    lists = closed_lists(sheet)
    rows = []
    for column in sheet.import_columns:
        allowed = " ; ".join(lists.get(column, []))
        if column == PARTNERS:
            allowed = FORMS[PARTNERS] + ", ".join(labels(PartnerRole)).lower()
        elif column in FORMS:
            allowed = f"{FORMS[column]} : {allowed}"
        required = _("oui") if column in sheet.required_columns else _("non")
        rows.append((column, required, str(meanings[column]), allowed))
    return rows


def sample_row(sheet) -> list:
    """A filled row that imports as it is: what each column looks like."""
    if sheet._meta.name == "Acteurs":
        values = {
            NAME: "Association des jardins partagés",
            ACTOR_TYPE: str(ActorType.ASSOCIATION.label),
            WEBSITE: "https://jardins.example.org",
            TERRITORY: "Lille",
        }
    else:
        lists = closed_lists(sheet)
        values = {
            TITLE: "Jardin partagé des Moulins",
            SUMMARY: "Une association et une entreprise du quartier cultivent ensemble.",
            STATUS: str(ExampleStatus.BROUILLON.label),
            TERRITORY: "Lille",
            SCALE: str(Scale.LOCAL.label),
            START_YEAR: 2024,
            DOMAINS: "; ".join(lists[DOMAINS][:2]),
            ODD: "ODD 2; ODD 11",
            ALLIANCE: "; ".join(lists[ALLIANCE][-1:]),
            PARTNERSHIP_TYPES: "; ".join(lists[PARTNERSHIP_TYPES][:1]),
            WEBSITE: "https://jardin.example.org",
        }
    return [values.get(column, "") for column in sheet.import_columns]


def guide_sheet(sheet) -> list[tuple]:
    header = (_("Colonne"), _("Obligatoire"), _("Signification"), _("Valeurs permises"))
    return [header, *guide_rows(sheet)]


def model_file(sheet, extension: str) -> bytes:
    """The model to fill in, in CSV (header and sample row), XLSX or ODS."""
    headers = list(sheet.import_columns)
    if extension == "xlsx":
        return model_xlsx(sheet, headers)
    return file_bytes(
        extension,
        headers,
        [sample_row(sheet)],
        sheet_name=sheet._meta.name,
        about=guide_sheet(sheet),
        about_name=_("Mode d'emploi"),
    )


def model_xlsx(sheet, headers) -> bytes:
    book = Workbook()
    data = book.active
    data.title = sheet._meta.name
    data.append(headers)
    data.append(sample_row(sheet))
    data.freeze_panes = "A2"
    for index, width in enumerate(column_widths(headers, [sample_row(sheet)]), start=1):
        data.column_dimensions[get_column_letter(index)].width = width
    for cell in data[1]:
        cell.font = Font(bold=True)

    guide = book.create_sheet(_("Mode d'emploi"))
    for row in guide_sheet(sheet):
        guide.append(row)
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (24, 12, 70, 70), strict=True):
        guide.column_dimensions[letter].width = width

    lists = book.create_sheet(_("Listes"))
    lists.sheet_state = "hidden"
    closed = closed_lists(sheet)
    if sheet._meta.name != "Acteurs":
        closed[_("Rôles des partenaires")] = labels(PartnerRole)
    for number, (column, values) in enumerate(closed.items(), start=1):
        letter = get_column_letter(number)
        lists.cell(row=1, column=number, value=column)
        for line, value in enumerate(values, start=2):
            lists.cell(row=line, column=number, value=value)
        if column not in headers or not values:
            continue
        strict = column not in MULTI_VALUED
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=strict,
            errorTitle=_("Valeur inconnue"),
            error=_("Choisissez une valeur de la liste (voir la feuille « Mode d'emploi »)."),
        )
        target = get_column_letter(headers.index(column) + 1)
        validation.add(f"{target}2:{target}{MODEL_ROWS}")
        data.add_data_validation(validation)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
