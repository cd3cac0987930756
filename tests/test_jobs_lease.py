"""A job whose task worker died (kill -9, out of memory) ends: its lease runs out, the next
sweep fails it, its visitor is told and may ask again, and it no longer holds a place in
the queue."""

import datetime
import threading
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from catalogue import import_jobs, tasks
from catalogue.models import Example

from . import test_export_jobs
from .test_export_jobs import job_url, run_worker
from .test_import_jobs import preview_then_confirm, three_rows

pytestmark = pytest.mark.django_db

# The export tests' fixtures: six examples to export, and a throwaway exports folder.
six = test_export_jobs.six
export_files = test_export_jobs.export_files


class Killed(BaseException):
    """What kill -9 does to the worker: nothing after this line runs, not even its
    `except BaseException` that would have marked the job failed."""


def run_killed_worker(target, name):
    """Run the worker once and kill it inside `target.name`."""
    with (
        mock.patch.object(target, name, side_effect=Killed),
        mock.patch.object(DBTaskResult, "set_failed", side_effect=Killed),
        pytest.raises(Killed),
    ):
        run_worker()


@contextmanager
def later(seconds):
    """The clock `seconds` ahead, without waiting."""
    ahead = timezone.now() + datetime.timedelta(seconds=seconds)
    with mock.patch("django.utils.timezone.now", return_value=ahead):
        yield


@pytest.fixture(autouse=True)
def lease(settings):
    settings.JOB_LEASE_SECONDS = 120
    settings.JOB_HEARTBEAT_SECONDS = 15


def test_jobs_killed_export_is_failed_when_its_page_looks_then_asked_again(client, six, settings):
    settings.EXPORT_QUEUE_MAX = 1
    url = job_url(client.get("/exemples/export.ods?odd=4"))
    run_killed_worker(tasks, "spreadsheet")
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    # While its lease lasts, the job may still be alive: nothing changes.
    with later(settings.JOB_LEASE_SECONDS - 10):
        assert "en cours d'écriture" in client.get(url).content.decode()
    with later(settings.JOB_LEASE_SECONDS + 1):
        page = client.get(url).content.decode()
        assert "L'export a été interrompu" in page
        assert "refresh" not in page
        assert 'href="/exemples/export.ods?odd=4"' in page  # the way to ask again
        assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
        # Its place in the queue is given back, and asking again queues a new file.
        again = job_url(client.get("/exemples/export.ods?odd=4"))
    assert again != url
    run_worker()
    assert client.get(again + "fichier").status_code == 200


def test_jobs_killed_export_frees_the_queue_for_a_visitor_of_another_list(client, six, settings):
    settings.EXPORT_QUEUE_MAX = 1
    job_url(client.get("/exemples/export.ods?odd=4"))
    run_killed_worker(tasks, "spreadsheet")
    assert client.get("/exemples/export.xlsx?odd=4", REMOTE_ADDR="10.0.0.8").status_code == 503
    with later(settings.JOB_LEASE_SECONDS + 1):
        job_url(client.get("/exemples/export.xlsx?odd=4", REMOTE_ADDR="10.0.0.8"))


def test_jobs_restarted_worker_fails_the_job_it_was_running_at_once(client, six):
    url = job_url(client.get("/exemples/export.ods?odd=4"))
    run_killed_worker(tasks, "spreadsheet")
    call_command("fail_stale_jobs", worker_id="another-worker", verbosity=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING  # not its job
    call_command("fail_stale_jobs", worker_id="test", verbosity=0)  # run_worker's id
    assert "L'export a été interrompu" in client.get(url).content.decode()


def test_jobs_periodic_sweep_fails_only_jobs_whose_lease_ran_out(client, six, settings):
    job_url(client.get("/exemples/export.ods?odd=4"))
    run_killed_worker(tasks, "spreadsheet")
    with later(settings.JOB_LEASE_SECONDS - 10):
        call_command("fail_stale_jobs", verbosity=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    with later(settings.JOB_LEASE_SECONDS + 1):
        call_command("fail_stale_jobs", verbosity=0)
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "catalogue.tasks.WorkerLost"


def test_jobs_killed_import_confirmation_says_so(client, curator, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    url = preview_then_confirm(client, three_rows())
    run_killed_worker(import_jobs, "run_import")
    assert "Écriture en cours" in client.get(url).content.decode()
    with later(settings.JOB_LEASE_SECONDS + 1):
        page = client.get(url).content.decode()
    assert "La confirmation a été interrompue" in page
    assert "refresh" not in page
    assert Example.objects.count() == 0


def test_jobs_heartbeat_renews_the_lease_from_another_thread(settings):
    """The lease is renewed beside the task, so a task busy in one long call (an ODS file
    being serialised) keeps it."""
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    beats = []
    with mock.patch.object(
        tasks, "renew_lease", side_effect=lambda job_id: beats.append(threading.get_ident())
    ):
        with tasks.heartbeat("some-job"):
            time.sleep(0.3)
        stopped = len(beats)
        time.sleep(0.1)
    assert beats[0] == threading.get_ident()  # taken before the task starts
    assert len(set(beats[1:])) == 1 and len(beats) >= 3  # then renewed by one other thread
    assert len(beats) == stopped  # and no longer once the task has ended


def test_jobs_lease_renewal_moves_the_end_of_a_running_job_only(client, six, settings):
    job_url(client.get("/exemples/export.ods?odd=4"))
    job = DBTaskResult.objects.get()
    tasks.renew_lease(job.id)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY and job.run_after.year == 9999
    job.claim("test")
    with later(30):
        tasks.renew_lease(job.id)
        job.refresh_from_db()
        assert job.run_after == timezone.now() + datetime.timedelta(
            seconds=settings.JOB_LEASE_SECONDS
        )
