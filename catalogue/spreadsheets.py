"""Reading and writing spreadsheet files safely: the CSV, XLSX and ODS formats of the catalogue.

Every reader refuses a file before it can exhaust memory: size cap, row cap, ZIP members
checked before they are inflated, XML parsed with defusedxml (no DTD, no entity expansion).
"""

import csv
import io
import zipfile

import tablib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

# An unpacked XLSX or ODS is a few times larger than the file; far more is a ZIP bomb.
MAX_UNPACKED_RATIO = 100
MAX_UNPACKED_FLOOR = 50 * 1024 * 1024
CSV_DELIMITERS = (";", ",", "\t")


class SpreadsheetError(ValueError):
    """A file that cannot be read; its message is shown to the curator as is."""


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_FILE_SIZE
    if size > limit:
        raise SpreadsheetError(
            _("Le fichier pèse %(size)s Mo ; la limite est de %(limit)s Mo.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )


def is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


class RowCollector:
    """Builds a Dataset row by row: counts the row cap, drops trailing blank rows."""

    def __init__(self):
        self.headers = None
        self.rows = []
        self.pending_blank = 0
        self.line = 0

    def add(self, values):
        values = list(values)
        self.line += 1
        if self.headers is None:
            if is_blank(values):
                return
            while values and (values[-1] is None or str(values[-1]).strip() == ""):
                values.pop()
            self.headers = ["" if value is None else str(value).strip() for value in values]
            return
        if is_blank(values):
            # Kept only if a non-blank row follows, so line numbers stay true.
            self.pending_blank += 1
            return
        width = len(self.headers)
        blank = [None] * width
        self.rows.extend([blank] * self.pending_blank)
        self.pending_blank = 0
        extra = [(index, v) for index, v in enumerate(values[width:], start=width + 1)
                 if not is_blank([v])]  # fmt: skip
        if extra:
            column, value = extra[0]
            raise SpreadsheetError(
                _(
                    "Ligne %(line)s : une valeur dépasse les en-têtes (colonne %(column)s, "
                    "« %(value)s »). Une cellule contenant « ; » a-t-elle perdu ses guillemets ?"
                )
                % {"line": self.line, "column": column, "value": value}
            )
        values = (values + [None] * width)[:width]
        self.rows.append(values)
        if len(self.rows) > max_rows():
            raise SpreadsheetError(
                _("Le fichier compte plus de %(limit)s lignes ; découpez-le en plusieurs fichiers.")
                % {"limit": max_rows()}
            )

    def dataset(self) -> tablib.Dataset:
        if not self.headers:
            raise SpreadsheetError(_("Le fichier est vide : aucune ligne d'en-têtes."))
        data = tablib.Dataset(headers=self.headers)
        for row in self.rows:
            data.append(row)
        return data


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, Windows-1252 as French Excel writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> tablib.Dataset:
    check_size(len(data))
    try:
        text = decode_csv(data)
    except UnicodeDecodeError as error:
        raise SpreadsheetError(_("Le fichier CSV n'est pas un texte lisible.")) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    collector = RowCollector()
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            collector.add(values)
    except csv.Error as error:
        raise SpreadsheetError(
            _("Le fichier CSV est mal formé : %(error)s") % {"error": error}
        ) from error
    return collector.dataset()


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive of an XLSX or ODS, refused when it is not one or would inflate too much."""
    check_size(len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(
            _("Ce fichier n'est pas un classeur %(kind)s valide (archive illisible ou tronquée).")
            % {"kind": kind}
        ) from error
    unpacked = sum(member.file_size for member in members)
    if unpacked > max(MAX_UNPACKED_FLOOR, MAX_UNPACKED_RATIO * len(data)):
        raise SpreadsheetError(
            _("Ce classeur se décompresse en %(size)s Mo : il est refusé par précaution.")
            % {"size": unpacked // 1024 // 1024}
        )
    return archive


def read_xlsx(data: bytes) -> tablib.Dataset:
    import openpyxl  # uses defusedxml when it is installed, which it is (pyproject.toml)

    archive = open_zip(data, "XLSX")
    archive.close()
    collector = RowCollector()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in book.active.iter_rows(values_only=True):
                collector.add(row)
        finally:
            book.close()
    except SpreadsheetError:
        raise
    except DefusedXmlException as error:
        raise SpreadsheetError(
            _("Ce classeur XLSX contient des déclarations XML interdites (entités, DTD).")
        ) from error
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(
            _("Ce fichier n'est pas un classeur XLSX valide (%(error)s).")
            % {"error": type(error).__name__}
        ) from error
    return collector.dataset()


ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# A row or cell repeated more than this is formatting to the sheet's edge, not data.
ODS_MAX_REPEAT = 1000


def _ods_text(node) -> str:
    parts = [node.text or ""]
    for child in node:
        if child.tag == f"{ODS_TEXT}s":
            parts.append(" " * int(child.get(f"{ODS_TEXT}c", "1")))
        elif child.tag == f"{ODS_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{ODS_TEXT}line-break":
            parts.append("\n")
        else:
            parts.append(_ods_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_cell_text(cell) -> str:
    return "\n".join(_ods_text(paragraph) for paragraph in cell.iter(f"{ODS_TEXT}p"))


def _ods_cell_value(cell):
    value_type = cell.get(f"{ODS_OFFICE}value-type")
    if value_type in ("float", "percentage", "currency"):
        number = float(cell.get(f"{ODS_OFFICE}value"))
        return int(number) if number.is_integer() else number
    if value_type == "date":
        return cell.get(f"{ODS_OFFICE}date-value")
    if value_type == "boolean":
        return cell.get(f"{ODS_OFFICE}boolean-value") == "true"
    text = _ods_cell_text(cell)
    return text if text != "" else None


def read_ods(data: bytes) -> tablib.Dataset:
    """The first sheet, streamed from content.xml with defusedxml (tablib would load it all)."""
    archive = open_zip(data, "ODS")
    collector = RowCollector()
    try:
        with archive, archive.open("content.xml") as content:
            tables = 0
            for event, element in iterparse(content, events=("start", "end")):
                if event == "start":
                    if element.tag == f"{ODS_TABLE}table":
                        tables += 1
                        if tables > 1:
                            break
                    continue
                if element.tag != f"{ODS_TABLE}table-row":
                    continue
                values = []
                for cell in element:
                    if cell.tag not in (f"{ODS_TABLE}table-cell", f"{ODS_TABLE}covered-table-cell"):
                        continue
                    repeat = int(cell.get(f"{ODS_TABLE}number-columns-repeated", "1"))
                    value = _ods_cell_value(cell)
                    values.extend([value] * min(repeat, ODS_MAX_REPEAT))
                repeat = int(element.get(f"{ODS_TABLE}number-rows-repeated", "1"))
                for _index in range(min(repeat, ODS_MAX_REPEAT) if is_blank(values) else repeat):
                    collector.add(values)
                element.clear()
    except SpreadsheetError:
        raise
    except DefusedXmlException as error:
        raise SpreadsheetError(
            _("Ce classeur ODS contient des déclarations XML interdites (entités, DTD).")
        ) from error
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, SyntaxError) as error:
        raise SpreadsheetError(
            _("Ce fichier n'est pas un classeur ODS valide (%(error)s).")
            % {"error": type(error).__name__}
        ) from error
    return collector.dataset()


class CSV(base_formats.CSV):
    """CSV read as French spreadsheets write it; written with `;` and a UTF-8 BOM for Excel."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return read_csv(in_stream)

    def export_data(self, dataset, **kwargs):
        return "\ufeff".encode() + dataset.export("csv", delimiter=";").encode("utf-8")


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)


class ODS(base_formats.ODS):
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_ods(in_stream)


FORMATS = [CSV, XLSX, ODS]
FORMAT_BY_EXTENSION = {"csv": CSV, "xlsx": XLSX, "ods": ODS}


def read_dataset(data: bytes, extension: str) -> tablib.Dataset:
    """A Dataset from the bytes of a file in one of FORMATS; SpreadsheetError otherwise."""
    format_class = FORMAT_BY_EXTENSION.get(extension.lower().lstrip("."))
    if format_class is None:
        raise SpreadsheetError(
            _("Format de fichier non pris en charge : utilisez CSV, XLSX ou ODS.")
        )
    return format_class().create_dataset(data)
