"""Rows read from a file, within the limits every reader enforces.

Every reader refuses a file before it can exhaust time or memory, as early as it can: size
cap; ZIP directory (member count, names, declared unpacked size per member and in total)
read before anything is inflated; header width counted on the first line; row, cell and
cell-length caps while rows are read; XML parsed with defusedxml (no DTD, no entity
expansion). Each refusal is a SpreadsheetError whose French message names the limit.
"""

import tablib
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..validators import CONTROL_CHARACTERS

# An unpacked XLSX or ODS is a few times larger than the file; far more is a ZIP bomb.
MAX_UNPACKED_RATIO = 100
MAX_UNPACKED_FLOOR = 50 * 1024 * 1024
CSV_DELIMITERS = (";", ",", "\t")


class SpreadsheetError(ValueError):
    """A file that cannot be read; its message is shown to the curator as is."""


class Formula(str):
    """A cell holding a formula rather than text (its text is the formula, "=A1"): the
    import refuses it with its own message instead of reading it as empty."""


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").replace(",0", "")


def check_columns(count: int) -> None:
    limit = settings.IMPORT_MAX_COLUMNS
    if count > limit:
        raise SpreadsheetError(
            _("La ligne d'en-têtes compte %(count)s colonnes ; la limite est de %(limit)s.")
            % {"count": count, "limit": limit}
        )


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_FILE_SIZE
    if size > limit:
        raise SpreadsheetError(
            _("Le fichier pèse %(size)s Mo ; la limite est de %(limit)s Mo.")
            % {"size": megabytes(size), "limit": megabytes(limit)}
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
            check_columns(len(values))
            self.check_cells(values)
            self.headers = ["" if value is None else str(value).strip() for value in values]
            return
        if len(values) > settings.IMPORT_MAX_COLUMNS and not is_blank(
            values[settings.IMPORT_MAX_COLUMNS :]
        ):
            self.too_wide()
        if is_blank(values):
            # Kept only if a non-blank row follows, so line numbers stay true.
            self.pending_blank += 1
            return
        width = len(self.headers)
        if len(self.rows) + self.pending_blank + 1 > max_rows():
            # Before the blank rows are stored: a sheet that jumps to row 1,048,576 costs nothing.
            self.too_many_rows()
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
        self.check_cells(values)
        self.rows.append(values)
        if len(self.rows) * width > settings.IMPORT_MAX_CELLS:
            raise SpreadsheetError(
                _(
                    "Le fichier compte plus de %(limit)s cellules (lignes × colonnes) ; "
                    "découpez-le en plusieurs fichiers."
                )
                % {"limit": settings.IMPORT_MAX_CELLS}
            )

    def add_at(self, line: int, cells: dict) -> None:
        """The row at spreadsheet line `line`, as {column number: value}: the lines it skips
        cost nothing (a row numbered 1,000,000,000 is one step), nor do far-away columns."""
        if line > self.line + 1:
            if self.headers is not None:
                self.pending_blank += line - self.line - 1
            self.line = line - 1
        limit = settings.IMPORT_MAX_COLUMNS
        width = max(cells, default=0)
        if width > limit and not is_blank([v for c, v in cells.items() if c > limit]):
            if self.headers is None:
                check_columns(width)
            self.line += 1
            self.too_wide()
        self.add([cells.get(column) for column in range(1, min(width, limit) + 1)])

    def too_wide(self):
        raise SpreadsheetError(
            _(
                "Ligne %(line)s : des cellules sont remplies au-delà de la colonne "
                "%(limit)s ; la limite est de %(limit)s colonnes."
            )
            % {"line": self.line, "limit": settings.IMPORT_MAX_COLUMNS}
        )

    def too_many_rows(self):
        raise SpreadsheetError(
            _("Le fichier compte plus de %(limit)s lignes ; découpez-le en plusieurs fichiers.")
            % {"limit": max_rows()}
        )

    def check_cells(self, values) -> None:
        limit = settings.IMPORT_MAX_CELL_LENGTH
        for column, value in enumerate(values, start=1):
            if not isinstance(value, str):
                continue
            if len(value) > limit:
                raise SpreadsheetError(
                    _(
                        "Ligne %(line)s, colonne %(column)s : la cellule compte %(length)s "
                        "caractères ; la limite est de %(limit)s."
                    )
                    % {"line": self.line, "column": column, "length": len(value), "limit": limit}
                )
            found = CONTROL_CHARACTERS.search(value)
            if found:
                raise SpreadsheetError(
                    _(
                        "Ligne %(line)s, colonne %(column)s : la cellule contient un caractère "
                        "de contrôle interdit (U+%(code)04X)."
                    )
                    % {"line": self.line, "column": column, "code": ord(found.group())}
                )

    def dataset(self) -> tablib.Dataset:
        if not self.headers:
            raise SpreadsheetError(_("Le fichier est vide : aucune ligne d'en-têtes."))
        if not self.rows:
            raise SpreadsheetError(
                _("Le fichier ne contient que la ligne d'en-têtes : aucune ligne à importer.")
            )
        data = tablib.Dataset(headers=self.headers)
        for row in self.rows:
            data.append(row)
        return data
