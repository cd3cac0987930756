"""Writing sheets: one function per format, shared by the admin and the public exports.

Each writer takes a header, an iterable of rows and a binary file-like object (a streamed
response, a file on disk, a buffer): `write_csv`, `write_xlsx`, `write_ods` (`WRITERS` by
extension). CSV streams row by row (`csv_chunks`); XLSX is written in openpyxl's write-only
mode; both XLSX and ODS get a frozen header, an auto-filter, readable column widths and,
when given, an "À propos" sheet. The rows and their columns come from the sheets; this
module only writes them.
"""

import csv
import datetime
import io
import re
from itertools import chain, islice

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from odf import config, number, style, table, text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from french.text import fold

CSV_DELIMITER = ";"  # what French spreadsheets expect
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths, in characters
WIDTH_SAMPLE = 200  # rows looked at to size the columns
SOURCE = "Impact Alliances — catalogue des alliances au service de l'ODD 17"
TERRITORY_SOURCE = (
    "Territoires : Code officiel géographique de l'INSEE (@etalab/decoupage-administratif, "
    "licence MIT)."
)


def filename(*, today: datetime.date, main_filter: str, extension: str) -> str:
    """`exemples-2026-11-26-hauts-de-france.xlsx`: what the file holds, in its name."""
    suffix = slugify(fold(main_filter))[:50].strip("-")
    return f"exemples-{today.isoformat()}{'-' + suffix if suffix else ''}.{extension}"


# --- CSV -------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def write_csv(out, headers, rows, **kwargs) -> None:
    """The CSV file into `out` (binary), row by row."""
    for chunk in csv_chunks(headers, rows):
        out.write(chunk)


def csv_chunks(headers, rows):
    """The CSV file as a stream of bytes: BOM, header, then each row as it is produced."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff".encode()  # UTF-8 BOM: Excel then reads the accents right
    yield writer.writerow(headers).encode()
    for row in rows:
        # Dates are naive local datetimes: the csv module writes them "2026-11-26 14:05:00".
        yield writer.writerow(row).encode()


# --- XLSX ------------------------------------------------------------------------------------


def write_xlsx(out, headers, rows, *, sheet_name=None, about=(), about_name=None) -> None:
    """The XLSX workbook into `out` (a binary file-like object or a path), rows streamed:
    only the first rows, which size the columns, are held at once."""
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name or _("Exemples"))
    for index, width in enumerate(column_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([bold_cell(sheet, header) for header in headers])
    count = 0
    for row in chain(sample, rows):
        sheet.append([xlsx_value(value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    if about:
        about_sheet = workbook.create_sheet(about_name or _("À propos"))
        about_sheet.column_dimensions["A"].width = 28
        about_sheet.column_dimensions["B"].width = 100
        for key, *values in about:
            about_sheet.append([bold_cell(about_sheet, key), *map(xlsx_value, values)])
    workbook.save(out)


def bold_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


# Characters XML 1.0 cannot hold (XLSX and ODS are XML): a stored title with one would
# otherwise make the whole file fail.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(value):
    """Text without the control characters a spreadsheet file cannot hold."""
    return NOT_IN_XML.sub("", value) if isinstance(value, str) else value


def xlsx_value(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return printable(value)


def column_widths(headers, rows):
    widths = []
    for index, header in enumerate(headers):
        longest = max(
            [len(str(header))]
            + [len(str(row[index])) for row in rows[:WIDTH_SAMPLE] if row[index] is not None]
        )
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, longest + 2)))
    return widths


# --- ODS -------------------------------------------------------------------------------------


def write_ods(out, headers, rows, *, sheet_name=None, about=(), about_name=None) -> None:
    """The ODS document into `out` (binary); odfpy holds the whole document in memory."""
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    document = OpenDocumentSpreadsheet()
    bold = style.Style(name="entete", family="table-cell")
    bold.addElement(style.TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    date_style = ods_date_style(document)

    sheet = table.Table(name=sheet_name or _("Exemples"))
    for index, width in enumerate(column_widths(headers, sample)):
        column_style = style.Style(name=f"col{index}", family="table-column")
        column_style.addElement(style.TableColumnProperties(columnwidth=f"{width * 0.21:.2f}cm"))
        document.automaticstyles.addElement(column_style)
        sheet.addElement(table.TableColumn(stylename=column_style))
    sheet.addElement(ods_row(headers, cell_style=bold))
    count = 0
    for row in chain(sample, rows):
        sheet.addElement(ods_row(row, date_style=date_style))
        count += 1
    document.spreadsheet.addElement(sheet)

    if about:
        about_sheet = table.Table(name=about_name or _("À propos"))
        for values in about:
            about_sheet.addElement(ods_row(values))
        document.spreadsheet.addElement(about_sheet)

    # The auto-filter: a database range over the whole sheet with filter buttons.
    last = f"{column_name(len(headers))}{count + 1}"
    ranges = table.DatabaseRanges()
    ranges.addElement(
        table.DatabaseRange(
            name="__Anonymous_Sheet_DB__0",
            targetrangeaddress=f"'{sheet.getAttribute('name')}'.A1:'{sheet.getAttribute('name')}'.{last}",
            displayfilterbuttons="true",
        )
    )
    document.spreadsheet.addElement(ranges)
    freeze_first_row(document, sheet.getAttribute("name"))
    document.write(out)


def ods_date_style(document):
    date_format = number.DateStyle(name="date-heure")
    for part in (
        number.Year(style="long"), number.Text(text="-"), number.Month(style="long"),
        number.Text(text="-"), number.Day(style="long"), number.Text(text=" "),
        number.Hours(style="long"), number.Text(text=":"), number.Minutes(style="long"),
    ):  # fmt: skip
        date_format.addElement(part)
    document.automaticstyles.addElement(date_format)
    cell_style = style.Style(name="cellule-date", family="table-cell", datastylename=date_format)
    document.automaticstyles.addElement(cell_style)
    return cell_style


def ods_row(values, *, cell_style=None, date_style=None):
    row = table.TableRow()
    for value in values:
        row.addElement(ods_cell(value, cell_style=cell_style, date_style=date_style))
    return row


def ods_cell(value, *, cell_style=None, date_style=None):
    extra = {"stylename": cell_style} if cell_style else {}
    if isinstance(value, bool) or value is None or value == "":
        return table.TableCell(**extra)
    if isinstance(value, int | float):
        cell = table.TableCell(valuetype="float", value=value, **extra)
        cell.addElement(text.P(text=str(value)))
        return cell
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if value.tzinfo else value
        cell = table.TableCell(
            valuetype="date", datevalue=local.strftime("%Y-%m-%dT%H:%M:%S"),
            stylename=date_style,
        )  # fmt: skip
        cell.addElement(text.P(text=local.strftime("%Y-%m-%d %H:%M")))
        return cell
    cell = table.TableCell(valuetype="string", **extra)
    # One paragraph a line; a Windows line end is one line end, not an empty line.
    for line in printable(str(value)).replace("\r\n", "\n").split("\n"):
        cell.addElement(text.P(text=line))
    return cell


def column_name(number: int) -> str:
    name = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        name = chr(65 + remainder) + name
    return name


def freeze_first_row(document, sheet_name):
    """LibreOffice keeps split positions in settings.xml; freeze the header row there."""
    view = config.ConfigItemSet(name="ooo:view-settings")
    views = config.ConfigItemMapIndexed(name="Views")
    entry = config.ConfigItemMapEntry()
    entry.addElement(config.ConfigItem(name="ViewId", type="string", text="view1"))
    tables = config.ConfigItemMapNamed(name="Tables")
    sheet = config.ConfigItemMapEntry(name=sheet_name)
    for name, kind, value in (
        ("HorizontalSplitMode", "short", "0"),
        ("VerticalSplitMode", "short", "2"),
        ("VerticalSplitPosition", "int", "1"),
        ("ActiveSplitRange", "short", "2"),
        ("PositionTop", "int", "0"),
        ("PositionBottom", "int", "1"),
    ):
        sheet.addElement(config.ConfigItem(name=name, type=kind, text=value))
    tables.addElement(sheet)
    entry.addElement(tables)
    views.addElement(entry)
    view.addElement(views)
    document.settings.addElement(view)


def about_rows(*, filters: list[str], count: int, columns: list[tuple[str, str]], today):
    """The "À propos" sheet: when, what, how many, from where, and what each column means."""
    rows = [
        (_("Date de l'export"), today.isoformat()),
        (_("Filtres"), " ; ".join(filters) if filters else _("Aucun : tous les exemples publiés")),
        (_("Nombre d'exemples"), count),
        (_("Source"), f"{SOURCE} — {settings.SITE_URL}"),
        (_("Licence"), f"{settings.DATA_LICENCE}. {TERRITORY_SOURCE}"),
        ("", ""),
        (_("Colonne"), _("Signification")),
    ]
    rows += columns
    return rows


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def file_bytes(extension: str, headers, rows, **options) -> bytes:
    """The whole file in memory, for a response or a download."""
    buffer = io.BytesIO()
    WRITERS[extension](buffer, headers, rows, **options)
    return buffer.getvalue()
