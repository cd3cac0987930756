"""Work the task worker (`manage.py db_worker`) does outside any request's time limit.

A large XLSX or ODS list takes seconds and hundreds of megabytes to write (ODS: 28 s and
870 MB at 20,000 rows): in a web worker it would hold a process for everyone else, so the
request only queues it and the visitor waits on a page that offers the file when ready.

Every job ends, even when its worker is killed (kill -9, out of memory, a machine that
stops): while a task runs, a thread beside it renews the job's lease every
JOB_HEARTBEAT_SECONDS; a RUNNING job whose lease has run out (JOB_LEASE_SECONDS without a
beat) is failed by `fail_stale_jobs`, which the worker's start, a periodic timer, the
export queue and a job's page all call. The lease is kept in the result row's `run_after`,
which django-tasks-db reads only while a job is READY; a job is failed, not run again: an
export that exhausted the memory would kill the next worker too, and an import killed just
after its commit would be written twice.
"""

import datetime
import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, connections
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, get_date_max

from core import public_version

from .filter_labels import active_filter_labels, main_filter_words
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
        filters=[label for _, _, label in active_filter_labels(filterset, params)],
        count=examples.count(),
        columns=[(c, str(columns.EXAMPLE_COLUMN_MEANINGS[c])) for c in headers],
        today=timezone.localdate(),
    )
    return writers.file_bytes(extension, headers, example_rows(examples), about=about)


def file_name(filterset: ExampleFilterSet, extension: str) -> str:
    return writers.filename(
        today=timezone.localdate(),
        main_filter=main_filter_words(filterset),
        extension=extension,
    )


@task(takes_context=True)
def write_export(context: TaskContext, *, query: str, extension: str, client: str = "") -> dict:
    """Write the list `query` selects as a file in the "exports" storage, named by the
    task's id; return where it is and the name the visitor's download gets. `client` (a
    digest of the address that asked) only counts the client's jobs in the queue."""
    with heartbeat(context.task_result.id):
        remove_old_exports()
        # Read before the rows: the file shows at least this version (core.public_version).
        number = public_version.state()[0]
        params = QueryDict(query)
        filterset = ExampleFilterSet(params)
        if not filterset.is_valid():  # checked when queued; the reference data may have changed
            raise ValueError(f"Filtres non valides : {filterset.form.errors.as_text()}")
        content = spreadsheet(filterset, params, extension)
        name = f"{context.task_result.id}.{extension}"
        stored = storages["exports"].save(name, ContentFile(content))
        return {"path": stored, "name": file_name(filterset, extension), "version": number}


def remove_old_exports() -> None:
    """Delete the files written more than EXPORT_FILES_HOURS ago."""
    storage = storages["exports"]
    if not storage.exists(""):
        return
    limit = timezone.now() - datetime.timedelta(hours=settings.EXPORT_FILES_HOURS)
    for name in storage.listdir("")[1]:
        if storage.get_modified_time(name) < limit:
            storage.delete(name)


@task(takes_context=True)
def confirm_import(
    context: TaskContext, *, model: str, user_id: int, rows: int, file: dict
) -> dict:
    """Write a previewed import file, all or nothing (catalogue.import_jobs)."""
    from . import import_jobs  # the admin's import machinery, loaded by the worker only

    with heartbeat(context.task_result.id):
        return import_jobs.confirm(model=model, user_id=user_id, file=file)


# --- Leases: jobs whose worker died ----------------------------------------------------------

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the job stopped before the job ended (killed, out of memory)."""


INTERRUPTED = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def interrupted(result) -> bool:
    """Whether a failed job was failed by `fail_stale_jobs` (its worker died)."""
    return any(error.exception_class_path == INTERRUPTED for error in result.errors)


def lease_end() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def renew_lease(job_id) -> None:
    """Hold a running job for JOB_LEASE_SECONDS more."""
    DBTaskResult.objects.filter(pk=job_id, status=TaskResultStatus.RUNNING).update(
        run_after=lease_end()
    )


@contextmanager
def heartbeat(job_id):
    """Take the job's lease, then renew it from a thread every JOB_HEARTBEAT_SECONDS while
    the body runs: a task busy in one long call (an ODS file being serialised) keeps it, a
    dead process does not."""
    renew_lease(job_id)
    stop = threading.Event()
    beating = threading.Thread(
        target=_beat, args=(job_id, stop), name=f"heartbeat-{job_id}", daemon=True
    )
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()


def _beat(job_id, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
            try:
                renew_lease(job_id)
            except DatabaseError:  # SQLite: an import's transaction holds the write lock
                logger.warning("Bail de la tâche %s non renouvelé (base occupée).", job_id)
    finally:
        connections.close_all()  # this thread's own connections


def fail_stale_jobs(*, worker_id: str | None = None, ids: Iterable | None = None) -> int:
    """Fail the running jobs whose lease has run out and, when `worker_id` is given, those
    that worker was running (it is starting again, so they are dead); how many. Their
    places in the queue are given back with them: only waiting and running jobs count."""
    now = timezone.now()
    running = DBTaskResult.objects.running()
    if ids is not None:
        running = running.filter(pk__in=list(ids))
    # Claimed but killed before its first beat: the claim's time stands for the lease.
    expired = Q(run_after__lt=now) | Q(
        run_after=get_date_max(),
        started_at__lt=now - datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS),
    )
    stale = list(running.filter(expired).values_list("pk", "run_after"))
    if worker_id is not None:
        stale += [
            (pk, run_after)
            for pk, run_after, workers in running.exclude(expired).values_list(
                "pk", "run_after", "worker_ids"
            )
            if workers and workers[-1] == worker_id
        ]
    failed = 0
    for job_id, run_after in stale:
        # Only if no beat came in between: a live job is never failed.
        failed += DBTaskResult.objects.filter(
            pk=job_id, status=TaskResultStatus.RUNNING, run_after=run_after
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=INTERRUPTED,
            traceback=(
                f"{INTERRUPTED}: the worker stopped before the job ended "
                f"(no heartbeat for {settings.JOB_LEASE_SECONDS} s, or its worker restarted)."
            ),
        )
    if failed:
        logger.warning("%s tâche(s) interrompue(s) marquée(s) en échec.", failed)
    return failed
