"""The writes whose cost to the visitors the benches measure, made as a curator makes them:
through the services and the import engine, so that the one write path does its work."""

import csv
import io

from catalogue import services
from catalogue.models import Example
from catalogue.sheets.engine import run_import
from catalogue.sheets.examples import ExampleResource

from .timing import BenchError


def curator_save(example: Example) -> Example:
    """A curator corrects the title of a published example (the admin form's service)."""
    example.title = f"{example.title} (relu)"
    return services.save_example(
        example=example, user=None, is_new=False, expected_version=example.version
    )


def import_update(rows: int) -> int:
    """An import that renames the first `rows` published examples (by reference): the
    confirmation of the admin's import, without the request. The number of rows written."""
    examples = list(
        Example.objects.published()
        .order_by("pk")
        .values_list("reference", "title", "territory__slug", "start_year")[:rows]
    )
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["Référence", "Titre", "Territoire", "Année de début"])
    for reference, title, territory, start_year in examples:
        writer.writerow([reference, f"{title} (import)", territory, start_year or ""])
    outcome = run_import(data=sheet.getvalue().encode(), extension="csv", sheet=ExampleResource)
    if not outcome.succeeded:
        raise BenchError(f"l'import de mesure a échoué : {outcome.problems[:3]}")
    return len(examples)
