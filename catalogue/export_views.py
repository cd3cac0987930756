"""`/exemples/export.<csv|xlsx|ods>`: the list as a spreadsheet, within limits that keep the
site up for everyone.

CSV streams row by row. XLSX and ODS up to EXPORT_BACKGROUND_ROWS are written while the
visitor waits; longer ones are queued for the task worker (catalogue.tasks), and the
visitor follows a page that offers the file when it is ready. Each client has a rate and a
number of exports at once and of exports queued; the site has a number of large CSV lists
streamed at once and a queue length. A place at once is held EXPORT_SLOT_SECONDS and
renewed while the export runs, so a killed worker gives it back within that time. A
refusal says in French why and when to come back (`Retry-After`).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views import View
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django_tasks_db.models import DBTaskResult

from core import public_version, throttling
from core.security import client_ip

from . import tasks
from .filtersets import ExampleFilterSet
from .querystrings import query_with, redirect_without_empty
from .sheets import columns, writers
from .sheets.examples import example_rows

PENDING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
# When a client over its number of queued exports may try again: about one ODS file's time.
CLIENT_QUEUE_RETRY_SECONDS = 60


class ExampleExportView(View):
    """The same filtered, sorted list as the page, through the same FilterSet."""

    def get(self, request, extension):
        if redirect_to := redirect_without_empty(request):
            return redirect_to  # the file then names only the filters in force
        filterset = ExampleFilterSet(request.GET)
        list_url = reverse("catalogue:example_list") + query_with(request.GET)
        if not filterset.is_valid():
            return render(
                request,
                "catalogue/export_refused.html",
                {"form": filterset.form, "list_url": list_url},
                status=400,
            )
        client = client_ip(request)
        refusal = throttling.count_in_window(
            f"export:{client}",
            limit=settings.EXPORT_RATE_LIMIT,
            window=settings.EXPORT_RATE_WINDOW,
        )
        if refusal:
            return refused(request, refusal)
        count = filterset.qs.count()
        if extension == "csv":
            return self.csv(
                request, filterset, client, large=count > settings.EXPORT_BACKGROUND_ROWS
            )
        if count > settings.EXPORT_MAX_ROWS_SPREADSHEET:
            context = {
                "too_many": count,
                "limit": settings.EXPORT_MAX_ROWS_SPREADSHEET,
                "csv_url": reverse("catalogue:example_export", args=["csv"])
                + query_with(request.GET),
                "list_url": list_url,
            }
            return render(request, "catalogue/export_refused.html", context, status=413)
        if count > settings.EXPORT_BACKGROUND_ROWS:
            return self.queue(request, filterset, client, extension)
        places = held_places(client, large=False)
        if isinstance(places, throttling.Refusal):
            return refused(request, places)
        try:
            content = tasks.spreadsheet(filterset, request.GET, extension)
        finally:
            release(places)
        return attachment(
            HttpResponse(content, content_type=writers.CONTENT_TYPES[extension]),
            tasks.file_name(filterset, extension),
        )

    def csv(self, request, filterset, client, *, large):
        places = held_places(client, large=large)
        if isinstance(places, throttling.Refusal):
            return refused(request, places)

        rows = example_rows(filterset.qs)
        chunks = writers.csv_chunks(list(columns.EXAMPLE_COLUMNS), rows)
        response = StreamingHttpResponse(
            Releasing(chunks, places), content_type=writers.CONTENT_TYPES["csv"]
        )
        return attachment(response, tasks.file_name(filterset, "csv"))

    def queue(self, request, filterset, client, extension):
        """Queue the file for the worker, once per list and public version, within the
        client's and the site's number of queued exports."""
        tasks.fail_stale_jobs()  # a job whose worker died holds no place
        query = canonical_query(filterset)
        key = f"export-job:{public_version.current()}:{extension}:{query}"
        job_id = cache.get(key)
        if job_id and job_usable(job_id):
            return redirect("catalogue:export_job", job_id)
        pending = DBTaskResult.objects.filter(
            task_path=tasks.write_export.module_path, status__in=PENDING
        )
        who = client_digest(client)
        if pending.filter(args_kwargs__kwargs__client=who).count() >= (
            settings.EXPORT_QUEUED_PER_CLIENT
        ):
            return refused(request, throttling.Refusal("client-queue", CLIENT_QUEUE_RETRY_SECONDS))
        if pending.count() >= settings.EXPORT_QUEUE_MAX:
            return refused(request, throttling.Refusal("queue", 60))
        result = tasks.write_export.enqueue(query=query, extension=extension, client=who)
        cache.set(key, str(result.id), settings.EXPORT_FILES_HOURS * 3600)
        return redirect("catalogue:export_job", result.id)


def canonical_query(filterset: ExampleFilterSet) -> str:
    """The list's parameters as the FilterSet reads them: its filters only (not `page`, not
    parameters nobody reads), cleaned, each with its values sorted, in the filters' name
    order. Two requests for the same list give the same string, so the same job."""
    cleaned = filterset.form.cleaned_data
    pairs = []
    for name in sorted(filterset.filters):
        value = cleaned.get(name)
        if value is None or value == "" or value == []:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(name, v) for v in sorted({str(getattr(v, "slug", v)) for v in values})]
    return urlencode(pairs)


def client_digest(client: str) -> str:
    """What the queue keeps of a client's address: enough to count its jobs, not the address."""
    return salted_hmac("catalogue.export-client", client).hexdigest()[:20]


class Releasing:
    """The rows of a streamed file; its places are renewed while rows are sent, and closing
    the response, whether the download ended or stopped half-way, gives them back. A stream
    whose process died renews nothing: its places expire within EXPORT_SLOT_SECONDS."""

    def __init__(self, chunks, places):
        self.chunks, self.places = chunks, places

    def __iter__(self):
        renew_every = min(slots.hold_for for slots in self.places) / 4
        renewed = time.monotonic()
        for chunk in self.chunks:
            yield chunk
            if time.monotonic() - renewed >= renew_every:
                for slots in self.places:
                    slots.renew()
                renewed = time.monotonic()

    def close(self):
        release(self.places)


def held_places(client, *, large):
    """A place among the client's exports at once and, for a large list (one that takes
    seconds), one among the site's; or why not."""
    own = throttling.Slots(
        f"export:{client}",
        size=settings.EXPORT_CONCURRENT_PER_CLIENT,
        hold_for=settings.EXPORT_SLOT_SECONDS,
    )
    if not own.acquire():
        return throttling.Refusal("client-busy", own.seconds_until_free())
    if not large:
        return (own,)
    site = throttling.Slots(
        "export:site",
        size=settings.EXPORT_CONCURRENT_STREAMS,
        hold_for=settings.EXPORT_SLOT_SECONDS,
    )
    if not site.acquire():
        own.release()
        return throttling.Refusal("busy", site.seconds_until_free())
    return own, site


def release(places):
    for slots in places:
        slots.release()


def refused(request, refusal: throttling.Refusal):
    response = render(
        request,
        "catalogue/export_throttled.html",
        {"refusal": refusal, "queued_per_client": settings.EXPORT_QUEUED_PER_CLIENT},
        status=503 if refusal.reason in ("busy", "queue") else 429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def job_usable(job_id) -> bool:
    """A queued or finished export whose file is still there."""
    try:
        result = tasks.write_export.get_result(job_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        return False
    if result.status == TaskResultStatus.SUCCESSFUL:
        return storages["exports"].exists(result.return_value["path"]) and not withdrawn(result)
    return result.status in PENDING


def withdrawn(result) -> bool:
    """A file written before an example was taken down may show it: it is withdrawn (deleted
    at once) and the visitor is offered to ask again."""
    if not public_version.withdrawn_since(result.return_value.get("version", 0)):
        return False
    storages["exports"].delete(result.return_value["path"])
    return True


def export_result(job_id):
    try:
        return tasks.write_export.get_result(str(job_id))
    except (TaskResultDoesNotExist, TaskResultMismatch):
        raise Http404(_("Cet export n'existe pas.")) from None


def export_job(request, job_id):
    """`/exemples/export/<id>/`: where a queued export stands; the file's link once written."""
    result = export_result(job_id)
    if result.status == TaskResultStatus.RUNNING and tasks.fail_stale_jobs(ids=[result.id]):
        result = export_result(job_id)  # its worker died: say so now
    context = {"result": result, "status": TaskResultStatus, "hours": settings.EXPORT_FILES_HOURS}
    if result.status == TaskResultStatus.FAILED:
        context["interrupted"] = tasks.interrupted(result)
        context["again_url"] = again_url(result)
    if result.status == TaskResultStatus.SUCCESSFUL:
        context["withdrawn"] = withdrawn(result)
        context["expired"] = not storages["exports"].exists(result.return_value["path"])
        context["name"] = result.return_value["name"]
        context["again_url"] = again_url(result)
    response = render(request, "catalogue/export_job.html", context)
    response["Cache-Control"] = "no-store"
    return response


def again_url(result) -> str | None:
    """The address that asks for the same file again."""
    extension, query = result.kwargs.get("extension"), result.kwargs.get("query")
    if extension not in ("xlsx", "ods"):
        return None
    return reverse("catalogue:example_export", args=[extension]) + (f"?{query}" if query else "")


def export_file(request, job_id):
    """`/exemples/export/<id>/fichier`: the written file, while it is kept."""
    result = export_result(job_id)
    storage = storages["exports"]
    if result.status != TaskResultStatus.SUCCESSFUL or not storage.exists(
        result.return_value["path"]
    ):
        raise Http404(_("Ce fichier n'est pas ou plus disponible."))
    if withdrawn(result):
        return redirect("catalogue:export_job", job_id=result.id)
    path = result.return_value["path"]
    extension = path.rsplit(".", 1)[-1]
    return FileResponse(
        storage.open(path),
        as_attachment=True,
        filename=result.return_value["name"],
        content_type=writers.CONTENT_TYPES[extension],
    )
