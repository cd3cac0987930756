"""Confirming a large import in the task worker, and the page where the curator follows it.

The preview runs in the request (it writes nothing and says what is wrong, line by line).
Confirming writes every row in one transaction: 20,000 rows take longer than a request
may, so above IMPORT_BACKGROUND_ROWS the confirmation is queued (catalogue.tasks) and the
curator follows `…/import/suivi/<id>/`. The worker runs the same `sheets.engine.run_import`
as the request: one transaction, written only if every row passes again.

A previewed file is confirmed once: whoever removes it from the temporary storage (the
request for a short file, the worker for a long one) writes it; a second confirmation (a
double click, the back button) finds it gone and is told so, or is sent to the first
one's page.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django_tasks_db.models import DBTaskResult
from import_export.results import RowResult
from import_export.signals import post_import

from . import tasks
from .sheets.engine import run_import
from .sheets.formats import FORMATS, read_dataset
from .sheets.rows import SpreadsheetError

MAX_PROBLEMS_SHOWN = 50


def stored_file(model_admin, data: dict):
    """The previewed file kept in the temporary storage: (storage, bytes, extension)."""
    file_format = FORMATS[int(data["format"])]()
    storage = model_admin.get_tmp_storage_class()(
        name=data["import_file_name"],
        encoding=None,
        read_mode=file_format.get_read_mode(),
        **model_admin.get_tmp_storage_class_kwargs(),
    )
    content = storage.read()
    if content is None:  # the cache storage's answer for a missing file
        raise FileNotFoundError(data["import_file_name"])
    return storage, content, file_format.get_extension()


def take(storage) -> None:
    """Remove the previewed file before writing it: of two confirmations, only the one
    whose removal succeeds goes on (FileNotFoundError for the other)."""
    storage.remove()


def job_for(model_admin, data: dict):
    """The queued confirmation of this previewed file, if there is one."""
    return (
        DBTaskResult.objects.filter(
            task_path=tasks.confirm_import.module_path,
            args_kwargs__kwargs__model=model_admin.opts.label_lower,
            args_kwargs__kwargs__file__import_file_name=data["import_file_name"],
        )
        .order_by("enqueued_at")
        .first()
    )


def job_url(model_admin, job_id) -> str:
    info = model_admin.opts.app_label, model_admin.opts.model_name
    return reverse("admin:{}_{}_import_job".format(*info), args=[job_id])


def already_confirmed(model_admin, request, data: dict):
    """A second confirmation of the same file: write nothing, say so, and show the first
    one's page when it was queued."""
    job = job_for(model_admin, data)
    if job is not None:
        messages.warning(
            request,
            _(
                "Cet import a déjà été confirmé : voici le suivi de cette confirmation. "
                "Rien ne sera enregistré deux fois."
            ),
        )
        return redirect(job_url(model_admin, job.id))
    messages.error(
        request,
        _(
            "Cet import a déjà été confirmé (ou son fichier n'est plus disponible) : rien n'a "
            "été enregistré de nouveau. Vérifiez la liste ; pour importer un autre fichier, "
            "envoyez-le de nouveau."
        ),
    )
    info = model_admin.opts.app_label, model_admin.opts.model_name
    return redirect(reverse("admin:{}_{}_import".format(*info)))


def row_count(content: bytes, extension: str) -> int:
    """Rows of the file; 0 when it cannot be read (the import then says why, at once)."""
    try:
        return len(read_dataset(content, extension))
    except SpreadsheetError:
        return 0


def queue(model_admin, request, data: dict, rows: int):
    """Queue the confirmation and send the curator to the page that follows it; once per
    previewed file."""
    if job_for(model_admin, data) is not None:
        return already_confirmed(model_admin, request, data)
    job = tasks.confirm_import.enqueue(
        model=model_admin.opts.label_lower,
        user_id=request.user.pk,
        rows=rows,
        file={k: data[k] for k in ("import_file_name", "original_file_name", "format")},
    )
    return redirect(job_url(model_admin, job.id))


def confirm(*, model: str, user_id: int, file: dict) -> dict:
    """Write the file's rows as the curator `user_id`, all or nothing (`run_import`: rows,
    search index and history lines in one transaction); what happened, for the page."""
    model_admin = admin.site._registry[apps.get_model(model)]
    try:
        storage, content, extension = stored_file(model_admin, file)
        take(storage)
    except FileNotFoundError:  # another job of the same file took it first
        return {"written": False, "already_confirmed": True}
    outcome = run_import(
        data=content,
        extension=extension,
        sheet=model_admin.resource_classes[0],
        user=get_user_model().objects.get(pk=user_id),
        file_name=file["original_file_name"],
    )
    if not outcome.succeeded:
        return {
            "written": False,
            "problem_count": len(outcome.problems),
            "problems": [
                {"line": p.line, "column": str(p.column or ""), "message": str(p.message)}
                for p in outcome.problems[:MAX_PROBLEMS_SHOWN]
            ],
        }
    post_import.send(sender=None, model=model_admin.model)
    totals = outcome.totals
    return {
        "written": True,
        "created": totals[RowResult.IMPORT_TYPE_NEW],
        "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
        "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
    }


def import_job_view(model_admin, request, job_id):
    """Where a queued confirmation stands, for the curator who confirmed it."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    try:
        result = tasks.confirm_import.get_result(str(job_id))
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404(_("Cet import n'existe pas.")) from None
    if result.status == TaskResultStatus.RUNNING and tasks.fail_stale_jobs(ids=[result.id]):
        result = tasks.confirm_import.get_result(str(job_id))  # its worker died: say so now
    kwargs = result.kwargs
    if kwargs["model"] != model_admin.opts.label_lower or (
        kwargs["user_id"] != request.user.pk and not request.user.is_superuser
    ):
        raise Http404(_("Cet import n'existe pas."))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Import de « %(file)s »") % {"file": kwargs["file"]["original_file_name"]},
        "result": result,
        "status": TaskResultStatus,
        "rows": kwargs["rows"],
        "outcome": result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None,
        "interrupted": result.status == TaskResultStatus.FAILED and tasks.interrupted(result),
        "import_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_import"
        ),
        "changelist_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
        ),
    }
    response = TemplateResponse(request, "admin/catalogue/import_job.html", context)
    response["Cache-Control"] = "no-store"
    return response
