import pytest

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_home_page_shows_the_search_box_and_figures(client):
    ExampleFactory(title="Jardin partagé des Moulins")
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="search"' in content
    assert "Jardin partagé des Moulins" in content
