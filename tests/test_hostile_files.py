"""The hostile-file corpus (tests/hostile_files.py), each posted to the real admin import.

Each file is refused with a French message naming the problem — or, for formulas, imported
as text that every export neutralises — within 5 s and 200 MB of Python allocations
(tracemalloc peak), the catalogue unchanged.
"""

import gc
import html
import re
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.models import Actor, Example, Partnership
from catalogue.sheets.columns import EXAMPLE_COLUMNS
from catalogue.sheets.examples import examples_dataset

from .factories import CuratorFactory, ExampleFactory
from .hostile_files import CORPUS, IMPORTED, IMPORTED_INERT, REFUSED

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalogue/example/import/"
FORM = {"resource": "0", "format": "0"}
MAX_SECONDS = 5
MAX_BYTES = 200 * 1024 * 1024


def catalogue_counts():
    return (Example.objects.count(), Actor.objects.count(), Partnership.objects.count())


def test_corpus_holds_at_least_30_files_with_distinct_names():
    assert len(CORPUS) >= 30
    assert len({hostile.name for hostile in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda hostile: hostile.name)
def test_hostile_file_is_refused_in_french_in_bounded_time_and_memory(client, hostile):
    client.force_login(CuratorFactory())
    ExampleFactory(title="Déjà au catalogue")
    upload = SimpleUploadedFile(hostile.filename, hostile.build())
    before = catalogue_counts()
    gc.collect()

    # Timed without tracing (tracemalloc slows Python down severalfold), then traced.
    started = time.perf_counter()
    response = client.post(IMPORT_URL, {"import_file": upload, **FORM})
    elapsed = time.perf_counter() - started
    upload.seek(0)
    gc.collect()
    tracemalloc.start()
    client.post(IMPORT_URL, {"import_file": upload, **FORM})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert response.status_code == 200
    assert elapsed < MAX_SECONDS, f"{elapsed:.1f} s"
    assert peak < MAX_BYTES, f"{peak / 1024 / 1024:.0f} Mo"
    page = html.unescape(response.content.decode())
    confirm = response.context.get("confirm_form")
    if hostile.expect == REFUSED:
        assert re.search(hostile.message, page), page[page.find("errorlist") :][:600]
        assert confirm is None
        assert catalogue_counts() == before
    else:
        assert hostile.expect in (IMPORTED_INERT, IMPORTED)
        assert catalogue_counts() == before  # the preview writes nothing
        response = client.post("/admin/catalogue/example/process_import/", confirm.initial)
        assert response.status_code == 302
        created = Example.objects.get(title=hostile.title)
        assert catalogue_counts() == (before[0] + 1, *before[1:])
        if hostile.expect == IMPORTED_INERT:
            [row] = examples_dataset(Example.objects.filter(pk=created.pk))
            assert row[EXAMPLE_COLUMNS.index("Titre")] == "'" + hostile.title
