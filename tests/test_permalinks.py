"""Clean permalinks: a list's address holds only the filters in force, never `q=&territoire=`."""

import html
import io
import re

import openpyxl
import pytest
from django.http import QueryDict

from catalogue.querystrings import query_with, without_empty

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

# What the filter form sends without JavaScript: every field, the untouched ones empty.
FORM_SUBMISSION = "q=&territoire=&domaine=sante&odd=4&annee_min=&annee_max=&tri=titre"


def links_and_fields(response):
    """Every href, and every hidden field with its value (name, value)."""
    content = response.content.decode()
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', content)]
    hidden = [
        (name, html.unescape(value))
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', content
        )
    ]
    return hrefs, hidden


def test_without_empty_keeps_values_and_their_order():
    params = QueryDict("q=&odd=4&domaine=&domaine=sante&odd=17&q=%20&tri=titre")
    assert without_empty(params).urlencode() == "odd=4&odd=17&domaine=sante&tri=titre"
    assert query_with(params) == "?odd=4&odd=17&domaine=sante&tri=titre"
    assert query_with(QueryDict("q=&page=2")) == "?"


def test_list_form_submission_redirects_to_the_clean_address(client):
    response = client.get(f"/exemples/?{FORM_SUBMISSION}")
    assert response.status_code == 302
    assert response["Location"] == "/exemples/?domaine=sante&odd=4&tri=titre"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("q=&territoire=&annee_min=&annee_max=", "/exemples/"),
        ("q=%20%20&page=2", "/exemples/?page=2"),
        ("domaine=&domaine=sante&domaine=", "/exemples/?domaine=sante"),
    ],
)
def test_empty_parameters_are_dropped_by_a_redirect(client, query, location):
    response = client.get(f"/exemples/?{query}")
    assert (response.status_code, response["Location"]) == (302, location)


def test_a_clean_address_is_answered_directly(client):
    assert client.get("/exemples/?odd=4&q=ecole").status_code == 200
    assert client.get("/exemples/").status_code == 200


def test_actor_list_form_submission_redirects_to_the_clean_address(client):
    response = client.get("/acteurs/?q=&type_acteur=")
    assert (response.status_code, response["Location"]) == (302, "/acteurs/")
    response = client.get("/acteurs/?q=atelier&type_acteur=")
    assert (response.status_code, response["Location"]) == (302, "/acteurs/?q=atelier")
    assert client.get("/acteurs/?q=atelier").status_code == 200


def test_list_page_links_carry_no_empty_parameter(client):
    for index in range(30):
        ExampleFactory(title=f"Alliance {index:02d}", odd=[4], domains=["sante"])
    response = client.get("/exemples/?domaine=sante&odd=4&tri=titre")
    hrefs, hidden = links_and_fields(response)
    queries = [href.partition("?")[2] for href in hrefs if "?" in href]
    assert any("page=2" in query for query in queries)  # pagination
    assert any("export.csv" in href for href in hrefs)  # downloads
    for query in queries:
        assert all(value.strip() for _, value in QueryDict(query).items()), query
    for name, value in hidden:
        assert value.strip(), name
        if name == "suite":  # the territory finder carries the list's filters on
            assert QueryDict(value) == QueryDict("domaine=sante&odd=4&tri=titre")


def test_actor_list_pagination_carries_no_empty_parameter(client):
    ExampleFactory(partners=[ActorFactory(name=f"Atelier {n:02d}") for n in range(60)])
    hrefs, _ = links_and_fields(client.get("/acteurs/?q=atelier"))
    assert "?q=atelier&page=2" in hrefs


def test_export_about_sheet_lists_only_real_filters(client):
    ExampleFactory(odd=[4])
    response = client.get(f"/exemples/export.xlsx?{FORM_SUBMISSION}&q=%20&echelle=")
    assert response["Location"] == "/exemples/export.xlsx?domaine=sante&odd=4&tri=titre"
    response = client.get(response["Location"])
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    about = dict(workbook["À propos"].iter_rows(values_only=True))
    assert about["Filtres"] == "Domaines : Santé ; ODD : ODD 4 : Éducation de qualité"
    response = client.get("/exemples/export.xlsx?q=&territoire=&annee_max=", follow=True)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    about = dict(workbook["À propos"].iter_rows(values_only=True))
    assert about["Filtres"] == "Aucun : tous les exemples publiés"


def test_impossible_year_range_shows_its_error_on_the_page(client):
    ExampleFactory(start_year=2015)
    response = client.get("/exemples/?annee_min=2020&annee_max=2010")
    assert response.status_code == 200
    content = response.content.decode()
    errors = content[content.index('id="erreurs-filtres"') :].split("</div>")[0]
    assert 'role="alert"' in content
    assert "L'année maximale (2010) précède l'année minimale (2020)." in html.unescape(errors)
    assert '<a href="#id_annee_max">' in errors
    assert re.search(r'id="id_annee_max"[^>]*aria-invalid="true"', content)
    assert response.context["paginator"].count == 0


def sort_options(response):
    select = response.content.decode().split('<select name="tri" id="id_tri">')[1]
    return re.findall(r'<option value="([^"]+)"', select.split("</select>")[0])


def test_relevance_is_offered_only_with_search_words(client):
    ExampleFactory(title="Jardin de l'école")
    assert sort_options(client.get("/exemples/")) == ["recent", "ancien", "titre"]
    assert sort_options(client.get("/exemples/?odd=4")) == ["recent", "ancien", "titre"]
    with_words = client.get("/exemples/?q=ecole")
    assert sort_options(with_words) == ["pertinence", "recent", "ancien", "titre"]
    assert '<option value="pertinence" selected>' in with_words.content.decode()
