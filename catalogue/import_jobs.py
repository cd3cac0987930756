"""Confirming a large import in the task worker, and the page where the curator follows it.

The preview runs in the request (it writes nothing and says what is wrong, line by line).
Confirming writes every row in one transaction: 20,000 rows take longer than a request
may, so above IMPORT_BACKGROUND_ROWS the confirmation is queued (catalogue.tasks) and the
curator follows `…/import/suivi/<id>/`. All or nothing still holds: one transaction, and
the file is confirmed only if every row passes again, as in the request.
"""

from types import SimpleNamespace

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from import_export.results import RowResult
from import_export.signals import post_import

from . import tasks
from .resources import problems

MAX_PROBLEMS_SHOWN = 50


def read_confirmed_file(model_admin, data: dict):
    """The previewed file kept in the temporary storage, and its rows."""
    input_format = model_admin.get_import_formats()[int(data["format"])](
        encoding=model_admin.from_encoding
    )
    tmp_storage = model_admin.get_tmp_storage_class()(
        name=data["import_file_name"],
        encoding=None if input_format.is_binary() else model_admin.from_encoding,
        read_mode=input_format.get_read_mode(),
        **model_admin.get_tmp_storage_class_kwargs(),
    )
    return tmp_storage, input_format.create_dataset(tmp_storage.read())


def queue(model_admin, request, data: dict, rows: int):
    """Queue the confirmation and send the curator to the page that follows it."""
    job = tasks.confirm_import.enqueue(
        model=model_admin.opts.label_lower,
        user_id=request.user.pk,
        rows=rows,
        file={k: data[k] for k in ("import_file_name", "original_file_name", "format")},
    )
    return redirect(import_job_url(model_admin, job.id))


def import_job_url(model_admin, job_id):
    info = model_admin.opts.app_label, model_admin.opts.model_name
    return reverse("admin:{}_{}_import_job".format(*info), args=[job_id])


def confirm(*, model: str, user_id: int, file: dict) -> dict:
    """Write the file's rows, all or nothing, as the curator `user_id`; what happened, for
    the page that follows the import."""
    model_admin = admin.site._registry[apps.get_model(model)]
    user = get_user_model().objects.get(pk=user_id)
    tmp_storage, dataset = read_confirmed_file(model_admin, file)
    resource = model_admin.resource_classes[0]()
    with transaction.atomic():  # the rows and their history lines, or nothing
        outcome = write(model_admin, resource, dataset, user, file["original_file_name"])
    if outcome["written"]:
        post_import.send(sender=None, model=model_admin.model)
        tmp_storage.remove()
    return outcome


def write(model_admin, resource, dataset, user, file_name) -> dict:
    result = resource.import_data(
        dataset,
        dry_run=False,
        raise_errors=False,
        file_name=file_name,
        user=user,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=True,
    )
    if result.has_errors() or result.has_validation_errors():
        found = problems(result)
        return {
            "written": False,
            "problem_count": len(found),
            "problems": [
                {"line": p.line, "column": str(p.column or ""), "message": str(p.message)}
                for p in found[:MAX_PROBLEMS_SHOWN]
            ],
        }
    result.file_name = file_name
    model_admin.generate_log_entries(result, SimpleNamespace(user=user))
    totals = result.totals
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
