"""What an import found and did: the problems of a file, in file order, for the preview and
the tests; the outcome `run_import` returns; the history lines of the rows it wrote."""

from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from import_export.results import Result, RowResult

from .cells import cell_text


@dataclass
class Problem:
    """One thing wrong in a file: where (line as in the spreadsheet, column), what, why."""

    line: int | None
    column: str
    value: str
    message: str


def problems(result) -> list[Problem]:
    """Every problem of an import result, in file order, for the preview and for tests."""
    found = []
    headers = list(result.diff_headers or [])
    for error in result.base_errors:
        found.append(Problem(None, "", "", str(error.error)))
    for number, errors in result.row_errors():
        for error in errors:
            found.append(
                Problem(number + 1, "", "", _("Erreur inattendue : %(e)s") % {"e": error.error})
            )
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            value = ""
            if column in headers and headers.index(column) < len(row.values):
                value = cell_text(row.values[headers.index(column)])
            label = "" if column == NON_FIELD_ERRORS else column
            for message in messages:
                found.append(Problem(row.number + 1, label, value, str(message)))
    return sorted(found, key=lambda p: (p.line or 0, p.column))


@dataclass
class ImportOutcome:
    """What an import did: the library's result (None when the file could not be read) and
    every problem found, in file order."""

    result: Result | None
    problems: list[Problem]

    @property
    def succeeded(self) -> bool:
        return self.result is not None and not self.problems

    @property
    def totals(self) -> dict:
        return dict(self.result.totals) if self.result is not None else {}


HISTORY_MESSAGES = {
    RowResult.IMPORT_TYPE_NEW: (ADDITION, "Créé par import du fichier « %s »"),
    RowResult.IMPORT_TYPE_UPDATE: (CHANGE, "Modifié par import du fichier « %s »"),
}


def log_history(result, *, user, file_name: str) -> None:
    """One history line for each row created or changed, in `user`'s name."""
    if user is None:
        return
    for import_type, (flag, message) in HISTORY_MESSAGES.items():
        instances = [row.instance for row in result.rows if row.import_type == import_type]
        if instances:
            LogEntry.objects.log_actions(
                user.pk,
                instances,
                flag,
                change_message=message % file_name,
                single_object=len(instances) == 1,
            )
