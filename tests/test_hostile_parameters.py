"""Bad parameters get a clear French answer, never a 500 (the requests of the Reliability
issue, exactly)."""

import io

import openpyxl
import pytest

from catalogue.models import Example

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db

CONTROL_CHARACTER_URLS = [
    "/exemples/?territoire=region-32%00",
    "/exemples/export.csv?territoire=%00",
    "/acteurs/?q=%00",
    "/territoires/?q=%00",
    "/exemples/export.xlsx?q=%01",
    "/exemples/?q=ecole%0b",
    "/exemples/?q%00=ecole",
]


@pytest.mark.parametrize("url", CONTROL_CHARACTER_URLS)
def test_control_characters_in_a_parameter_are_refused_in_french(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "contient un caractère de contrôle" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalogue/example/?region=%00",
        "/admin/catalogue/example/?type_acteur=%00",
        "/admin/autocomplete/?app_label=catalogue&model_name=example&field_name=territory&term=%00",
    ],
)
def test_control_characters_are_refused_in_the_admin_too(admin_client, url):
    assert admin_client.get(url).status_code == 400


@pytest.mark.parametrize(
    ("query", "field"),
    [("q=ecole&q=sante", "q"), ("territoire=region-32&territoire=region-53", "territoire")],
)
def test_a_repeated_single_valued_parameter_is_an_error_not_a_dropped_value(client, query, field):
    ExampleFactory(title="École de la santé")
    response = client.get(f"/exemples/?{query}")
    assert response.status_code == 200
    assert "une valeur ; 2 ont été données" in response.content.decode()
    assert response.context["paginator"].count == 0
    assert response.context["active_filters"] == []
    export = client.get(f"/exemples/export.csv?{query}")
    assert export.status_code == 400


def test_a_bad_page_number_is_a_visible_error(client):
    response = client.get("/exemples/?page=abc")
    assert response.status_code == 200
    assert "Saisissez un numéro de page" in response.content.decode()


def test_a_stored_control_character_does_not_break_the_spreadsheets(client):
    example = ExampleFactory(title="Verger")
    Example.objects.filter(pk=example.pk).update(title="Verger\x0b partagé\x01")
    response = client.get("/exemples/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "Verger partagé" in [cell.value for cell in sheet[2]]
    assert client.get("/exemples/export.ods").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/exemples/%00/",
        "/api/v1/acteurs/%00/",
        "/api/v1/domaines/%00/",
        "/api/v1/territoires/%00/",
        "/api/v1/exemples/verger%00partage/",
        "/exemples/%00/",
        "/acteurs/%00/",
    ],
)
def test_a_control_character_in_the_path_is_refused_in_french(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "L&#x27;adresse contient un caractère de contrôle" in response.content.decode()


def test_the_api_names_the_invalid_page(client):
    ExampleFactory()
    response = client.get("/api/v1/exemples/?page=999")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Page invalide : « 999 » (Cette page ne contient aucun résultat)."
    }
