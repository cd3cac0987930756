"""`make reliability`'s curators send back the admin form as a browser would."""

import pytest
from django.http import QueryDict

from benchmarks.reliability import FormReader

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db


def test_form_reader_sends_back_the_example_form_that_saves(admin_client):
    example = ExampleFactory(title="Jardin partagé")
    url = f"/admin/catalogue/example/{example.pk}/change/"
    form = FormReader("example_form")
    form.feed(admin_client.get(url).content.decode())
    data = QueryDict(mutable=True)
    for name, value in form.fields:
        data.appendlist(name, "Résumé de la mesure" if name == "summary" else value)
    assert "opened_version" in data and "partnerships-TOTAL_FORMS" in data
    response = admin_client.post(url, data)
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.summary == "Résumé de la mesure" and example.title == "Jardin partagé"
