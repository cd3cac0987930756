"""Work the task worker (`manage.py db_worker`) does outside any request's time limit.

A large XLSX or ODS list takes seconds and hundreds of megabytes to write (ODS: 28 s and
870 MB at 20,000 rows): in a web worker it would hold a process for everyone else, so the
request only queues it and the visitor waits on a page that offers the file when ready.
"""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import QueryDict
from django.utils import timezone
from django_tasks import TaskContext, task

from .filtersets import ExampleFilterSet
from .sheets import columns, writers
from .sheets.examples import example_rows


def spreadsheet(filterset: ExampleFilterSet, params: QueryDict, extension: str) -> bytes:
    """The XLSX or ODS file of a valid filtered list, with its "À propos" sheet."""
    if extension not in ("xlsx", "ods"):
        raise ValueError(f"Format d'export inconnu : {extension}")
    examples = filterset.qs
    headers = list(columns.EXAMPLE_COLUMNS)
    about = writers.about_rows(
        filters=[label for _, _, label in filterset.active_filter_labels(params)],
        count=examples.count(),
        columns=[(c, str(columns.EXAMPLE_COLUMN_MEANINGS[c])) for c in headers],
        today=timezone.localdate(),
    )
    return writers.file_bytes(extension, headers, example_rows(examples), about=about)


def file_name(filterset: ExampleFilterSet, extension: str) -> str:
    return writers.filename(
        today=timezone.localdate(),
        main_filter=filterset.main_filter_words(),
        extension=extension,
    )


@task(takes_context=True)
def write_export(context: TaskContext, *, query: str, extension: str) -> dict:
    """Write the list `query` selects as a file in the "exports" storage, named by the
    task's id; return where it is and the name the visitor's download gets."""
    remove_old_exports()
    params = QueryDict(query)
    filterset = ExampleFilterSet(params)
    if not filterset.is_valid():  # checked when queued; the reference data may have changed
        raise ValueError(f"Filtres non valides : {filterset.form.errors.as_text()}")
    content = spreadsheet(filterset, params, extension)
    stored = storages["exports"].save(f"{context.task_result.id}.{extension}", ContentFile(content))
    return {"path": stored, "name": file_name(filterset, extension)}


def remove_old_exports() -> None:
    """Delete the files written more than EXPORT_FILES_HOURS ago."""
    storage = storages["exports"]
    if not storage.exists(""):
        return
    limit = timezone.now() - datetime.timedelta(hours=settings.EXPORT_FILES_HOURS)
    for name in storage.listdir("")[1]:
        if storage.get_modified_time(name) < limit:
            storage.delete(name)


@task()
def confirm_import(*, model: str, user_id: int, rows: int, file: dict) -> dict:
    """Write a previewed import file, all or nothing (catalogue.import_jobs)."""
    from . import import_jobs  # the admin's import machinery, loaded by the worker only

    return import_jobs.confirm(model=model, user_id=user_id, file=file)
