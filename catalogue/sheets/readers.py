"""Reading CSV, XLSX and ODS files safely (limits: see sheets/rows.py)."""

import csv
import io
import posixpath
import re
import struct
import zipfile

import tablib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .rows import (
    CSV_DELIMITERS,
    MAX_UNPACKED_FLOOR,
    MAX_UNPACKED_RATIO,
    Formula,
    RowCollector,
    SpreadsheetError,
    check_columns,
    check_size,
    is_blank,
    megabytes,
)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's « texte Unicode ») or,
    failing that, Windows-1252 as French Excel writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="strict")
    if b"\x00" in data:
        # Text files hold no NUL byte: UTF-16 without its BOM, or not text at all.
        raise SpreadsheetError(
            _(
                "Le fichier CSV contient des octets nuls : ce n'est pas un texte (fichier "
                "binaire, ou UTF-16 sans BOM). Enregistrez-le en « CSV UTF-8 »."
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Strict: bytes that are neither UTF-8 nor Windows-1252 are refused, not replaced.
        return data.decode("cp1252")


def read_csv(data: bytes) -> tablib.Dataset:
    check_size(len(data))
    try:
        text = decode_csv(data)
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _(
                "Le fichier CSV n'est pas un texte lisible : l'octet 0x%(byte)02X (position "
                "%(position)s) n'existe ni en UTF-8 ni en Windows-1252. Enregistrez-le en "
                "« CSV UTF-8 »."
            )
            % {"byte": error.object[error.start], "position": error.start}
        ) from error
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    # Counted on the first line before anything is parsed (linear, whatever its width).
    check_columns(first_line.count(delimiter) + 1)
    collector = RowCollector()
    # The csv module's own cap, one above ours, so that a huge field stops the parser early
    # (the setting is process-wide and always given this same value).
    csv.field_size_limit(settings.IMPORT_MAX_CELL_LENGTH + 1)
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            collector.add(values)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise SpreadsheetError(
                _("Ligne %(line)s : une cellule dépasse %(limit)s caractères.")
                % {"line": collector.line + 1, "limit": settings.IMPORT_MAX_CELL_LENGTH}
            ) from error
        raise SpreadsheetError(
            _("Le fichier CSV est mal formé (ligne %(line)s) : %(error)s")
            % {"line": collector.line + 1, "error": error}
        ) from error
    return collector.dataset()


def unreadable(kind: str) -> SpreadsheetError:
    return SpreadsheetError(
        _("Ce fichier n'est pas un classeur %(kind)s valide (archive illisible ou tronquée).")
        % {"kind": kind}
    )


def declared_member_count(data: bytes) -> int | None:
    """The member count of the ZIP's end record, read before Python parses the directory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    return struct.unpack("<H", data[end + 10 : end + 12])[0]


def open_zip(data: bytes, kind: str, required: tuple[str, ...] = ()) -> zipfile.ZipFile:
    """The archive of an XLSX or ODS, refused when it is not one or would cost too much.

    Everything is read from the ZIP directory before a byte is inflated; Python's zipfile
    then inflates no member beyond its declared size (a lying size fails its CRC check).
    """
    check_size(len(data))
    count_limit = settings.IMPORT_MAX_ZIP_MEMBERS
    declared = declared_member_count(data)
    if declared is None:
        raise unreadable(kind)
    if declared > count_limit:
        raise SpreadsheetError(
            _("Ce classeur contient %(count)s fichiers internes ; la limite est de %(limit)s.")
            % {"count": declared, "limit": count_limit}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as error:
        raise unreadable(kind) from error
    if len(members) > count_limit:
        raise SpreadsheetError(
            _("Ce classeur contient %(count)s fichiers internes ; la limite est de %(limit)s.")
            % {"count": len(members), "limit": count_limit}
        )
    for member in members:
        name = member.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in posixpath.normpath(name).split("/")
            or ("\\" in name or ":" in name or "\x00" in name)
        ):
            raise SpreadsheetError(
                _("Ce classeur contient un chemin interne suspect (« %(name)s ») : il est refusé.")
                % {"name": name[:200]}
            )
    limit = settings.IMPORT_MAX_UNPACKED_SIZE
    biggest = max(members, key=lambda member: member.file_size, default=None)
    if biggest is not None and biggest.file_size > limit:
        raise SpreadsheetError(
            _(
                "Ce classeur se décompresse en plus de %(limit)s Mo (« %(name)s » seul : "
                "%(size)s Mo) : il est refusé par précaution."
            )
            % {
                "limit": megabytes(limit),
                "name": biggest.filename[:200],
                "size": megabytes(biggest.file_size),
            }
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise SpreadsheetError(
            _(
                "Ce classeur se décompresse en %(size)s Mo ; la limite est de %(limit)s Mo : "
                "il est refusé par précaution."
            )
            % {"size": megabytes(unpacked), "limit": megabytes(limit)}
        )
    if unpacked > max(MAX_UNPACKED_FLOOR, MAX_UNPACKED_RATIO * len(data)):
        raise SpreadsheetError(
            _(
                "Ce classeur se décompresse en %(size)s Mo, plus de %(ratio)s fois sa taille : "
                "il est refusé par précaution."
            )
            % {"size": megabytes(unpacked), "ratio": MAX_UNPACKED_RATIO}
        )
    names = {member.filename for member in members}
    for name in required:
        if name not in names:
            raise SpreadsheetError(
                _("Ce fichier n'est pas un classeur %(kind)s : il y manque « %(name)s ».")
                % {"kind": kind, "name": name}
            )
    return archive


SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def check_shared_strings(archive: zipfile.ZipFile) -> None:
    """openpyxl loads every shared string before the first row: more distinct strings than
    the cells a file may hold (headers included) is refused first, counted in the inflated
    bytes without keeping them."""
    name = "xl/sharedStrings.xml"
    if name not in archive.namelist():
        return
    limit = settings.IMPORT_MAX_CELLS + settings.IMPORT_MAX_COLUMNS
    count, tail = 0, b""
    with archive.open(name) as stream:
        while chunk := stream.read(1024 * 1024):
            text = tail + chunk
            # A match starting in the last 64 bytes is counted with the next chunk.
            cut = max(0, len(text) - 64)
            count += sum(1 for match in SHARED_STRING.finditer(text) if match.start() < cut)
            tail = text[cut:]
            if count > limit:
                break
    count += len(SHARED_STRING.findall(tail))
    if count > limit:
        raise SpreadsheetError(
            _(
                "Ce classeur contient plus de %(limit)s textes partagés, plus que de cellules "
                "permises : il est refusé par précaution."
            )
            % {"limit": limit}
        )


def xlsx_rows(book, sheet):
    """(line, {column: value}) for each row the sheet stores, and nothing else.

    openpyxl's iter_rows() pads each row to the declared dimension (A1:XFD1048576: 16,384
    cells a row) and yields an empty row for every line a sheet skips (a row numbered
    1,000,000,000 would take minutes): its row parser is used directly instead.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        # Formulas as formulas (not their cached results): an import refuses them by name.
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for line, cells in parser.parse():
            yield line, {cell["column"]: xlsx_value(cell) for cell in cells}


def xlsx_value(cell):
    if cell["data_type"] == "f":
        return Formula(getattr(cell["value"], "text", cell["value"]) or "=")
    return cell["value"]


def read_xlsx(data: bytes) -> tablib.Dataset:
    import openpyxl  # uses defusedxml when it is installed, which it is (pyproject.toml)

    archive = open_zip(data, "XLSX", required=("[Content_Types].xml", "xl/workbook.xml"))
    with archive:
        if "xl/vbaProject.bin" in archive.namelist() or b"macroEnabled" in archive.read(
            "[Content_Types].xml"
        ):
            raise SpreadsheetError(
                _(
                    "Ce classeur contient des macros (XLSM) : enregistrez-le au format XLSX "
                    "sans macros."
                )
            )
        try:
            check_shared_strings(archive)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise SpreadsheetError(
                _(
                    "Ce classeur XLSX est corrompu : un fichier interne ne correspond pas à "
                    "la taille ou à la somme de contrôle que déclare l'archive."
                )
            ) from error
    collector = RowCollector()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.active
            if sheet is None:
                raise SpreadsheetError(_("Ce classeur XLSX ne contient aucune feuille."))
            for line, cells in xlsx_rows(book, sheet):
                collector.add_at(line, cells)
        finally:
            book.close()
    except SpreadsheetError:
        raise
    except Exception as error:
        # openpyxl wraps what went wrong in a ValueError: look at the whole chain.
        causes = []
        while error is not None and len(causes) < 10:
            causes.append(error)
            error = error.__cause__ or error.__context__
        for cause in causes:
            if isinstance(cause, DefusedXmlException):
                raise SpreadsheetError(
                    _("Ce classeur XLSX contient des déclarations XML interdites (entités, DTD).")
                ) from cause
            if isinstance(cause, zipfile.BadZipFile):
                raise SpreadsheetError(
                    _(
                        "Ce classeur XLSX est corrompu : un fichier interne ne correspond pas à "
                        "la taille ou à la somme de contrôle que déclare l'archive."
                    )
                ) from cause
            if isinstance(cause, KeyError):
                raise SpreadsheetError(
                    _("Ce classeur XLSX est incomplet : la partie %(part)s est introuvable.")
                    % {"part": cause}
                ) from cause
        raise SpreadsheetError(
            _("Ce fichier n'est pas un classeur XLSX valide (%(error)s).")
            % {"error": type(causes[-1]).__name__}
        ) from causes[0]
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
    formula = cell.get(f"{ODS_TABLE}formula")
    if formula:
        return Formula(formula)
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
    archive = open_zip(data, "ODS", required=("content.xml",))
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
