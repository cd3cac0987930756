"""The export queue cannot be filled by one client, and a streamed CSV that dies gives its
place back within seconds, with a Retry-After that says when."""

import time

import pytest
from django_tasks_db.models import DBTaskResult

from . import test_export_jobs
from .test_export_jobs import job_url, stop_download

# The export tests' fixtures: six examples to export, and a throwaway exports folder.
six = test_export_jobs.six
export_files = test_export_jobs.export_files

pytestmark = pytest.mark.django_db


def test_jobs_export_key_ignores_parameters_the_list_does_not_read(client, six):
    first = job_url(client.get("/exemples/export.xlsx?odd=4"))
    for n in range(1, 26):
        assert job_url(client.get(f"/exemples/export.xlsx?odd=4&zz={n}")) == first
    # The same list written another way is the same job too.
    assert job_url(client.get("/exemples/export.xlsx?page=3&odd=4&odd=4")) == first
    assert DBTaskResult.objects.count() == 1
    # A parameter the list reads makes another list.
    assert job_url(client.get("/exemples/export.xlsx?odd=4&tri=titre")) != first


def test_jobs_export_queued_per_client_is_capped_with_429(client, six, settings):
    settings.EXPORT_QUEUED_PER_CLIENT = 2
    job_url(client.get("/exemples/export.xlsx?odd=4"))
    job_url(client.get("/exemples/export.ods?odd=4"))
    refused = client.get("/exemples/export.xlsx?odd=4&tri=titre")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Vous avez déjà 2 exports en préparation" in refused.content.decode()
    # A list already queued is still offered to its client; other clients still queue.
    job_url(client.get("/exemples/export.xlsx?odd=4"))
    job_url(client.get("/exemples/export.xlsx?odd=4&tri=titre", REMOTE_ADDR="10.0.0.5"))
    assert DBTaskResult.objects.count() == 3


def test_jobs_export_site_queue_cap_still_holds(client, six, settings):
    settings.EXPORT_QUEUED_PER_CLIENT = 5
    settings.EXPORT_QUEUE_MAX = 2
    for n, address in enumerate(("10.0.0.1", "10.0.0.2")):
        job_url(
            client.get(f"/exemples/export.xlsx?odd=4&annee_min={2000 + n}", REMOTE_ADDR=address)
        )
    full = client.get("/exemples/export.xlsx?odd=4", REMOTE_ADDR="10.0.0.3")
    assert full.status_code == 503 and "déjà en préparation" in full.content.decode()


@pytest.fixture
def short_slots(settings, six):
    """Places held one second unless renewed; one long CSV at once for the site."""
    settings.EXPORT_SLOT_SECONDS = 1
    settings.EXPORT_CONCURRENT_STREAMS = 1


def test_jobs_dead_stream_frees_its_site_place_within_its_lease(client, short_slots):
    stream = client.get("/exemples/export.csv")
    chunks = iter(stream.streaming_content)
    next(chunks)  # the worker is killed half-way: the response is never closed
    full = client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.2")
    assert full.status_code == 503
    assert full["Retry-After"] == "1"  # the place is free after that, unless renewed
    time.sleep(1.1)
    assert client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_jobs_live_stream_keeps_its_place_past_the_lease(client, short_slots):
    stream = client.get("/exemples/export.csv")
    chunks = iter(stream.streaming_content)
    started, checked = time.monotonic(), 0
    for _chunk in chunks:  # a slow download: 8 chunks over 1.6 s
        time.sleep(0.2)
        if time.monotonic() - started > 1.2:
            checked += 1
            assert client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.2").status_code == 503
    assert checked
    stop_download(stream)  # the download ends: its place is given back at once
    assert client.get("/exemples/export.csv", REMOTE_ADDR="10.0.0.2").status_code == 200
