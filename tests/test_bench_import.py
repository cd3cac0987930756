import json

import pytest
from django.core.management import call_command

from catalogue.models import Example

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("variant", ["tuned", "defaults", "admin"])
def test_bench_import_imports_every_row_then_removes_them(capsys, variant):
    call_command("bench_import", rows=25, variant=variant, format="xlsx")
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["created"] == 25
    assert figures["seconds"] > 0 and figures["peak_rss_mb"] > 0
    assert Example.objects.count() == 0
