"""Cached public pages never outlive a change, and never reach a logged-in user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import changes, facets

from .factories import ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_cached_list_page_shows_a_new_example_at_once(client, page_cache):
    ExampleFactory(title="Verger partagé")
    assert "Verger partagé" in client.get("/exemples/").content.decode()
    ExampleFactory(title="Ressourcerie nouvelle")
    assert "Ressourcerie nouvelle" in client.get("/exemples/").content.decode()


def test_cached_pages_follow_a_relation_change(client, page_cache):
    example = ExampleFactory(title="Verger partagé", domains=["sante"])
    assert "1 exemple" in client.get("/exemples/?domaine=sante").content.decode()
    with changes.writing() as change:
        change.examples([example.pk])
        example.domains.clear()
    assert "0 exemple" in client.get("/exemples/?domaine=sante").content.decode()


def test_cached_page_is_served_without_running_the_view(
    client, page_cache, django_assert_num_queries
):
    ExampleFactory(title="Verger partagé")
    client.get("/exemples/")
    with django_assert_num_queries(1):  # the public version
        response = client.get("/exemples/")
    assert "Verger partagé" in response.content.decode()


def test_logged_in_users_never_get_a_cached_page(client, page_cache):
    ExampleFactory(title="Verger partagé")
    client.get("/exemples/")
    client.force_login(UserFactory())
    response = client.get("/exemples/")
    assert response.context is not None  # rendered for them


def test_facet_index_is_rebuilt_when_the_catalogue_changes():
    ExampleFactory(title="Verger partagé")
    first = facets.current_index()
    assert facets.current_index() is first
    ExampleFactory(title="Ressourcerie")
    assert facets.current_index() is not first
    assert len(facets.current_index().all) == 2


def test_the_configured_cache_keeps_a_page(settings, page_cache):
    """On the PostgreSQL run of `make test` the cache is a throwaway Redis (CACHE_URL)."""
    from django.core.cache import cache

    cache.set("page:essai", (b"<p>page</p>", [("Content-Type", "text/html")]), 60)
    assert cache.get("page:essai") == (b"<p>page</p>", [("Content-Type", "text/html")])


def test_a_cached_page_keeps_its_headers(client, page_cache):
    ExampleFactory(title="Verger partagé")
    fresh = client.get("/sitemap.xml")
    cached = client.get("/sitemap.xml")
    for name in ("X-Robots-Tag", "Content-Type"):
        assert cached[name] == fresh[name], name
    assert cached.content == fresh.content


def test_a_page_that_sets_a_cookie_is_not_cached(client, page_cache, monkeypatch):
    from catalogue import views

    real = views.ExampleListView.get

    def with_cookie(self, request, *args, **kwargs):
        response = real(self, request, *args, **kwargs)
        response.set_cookie("visiteur", "un")
        return response

    monkeypatch.setattr(views.ExampleListView, "get", with_cookie)
    client.get("/exemples/")
    assert client.get("/exemples/").context is not None  # rendered again


def test_a_page_is_rendered_at_the_version_it_is_cached_under(client, page_cache):
    """The page cache reads the public version once; the page's FilterSet and facet index
    are read at that version (core.public_version.pinned), without reading it again."""
    ExampleFactory(domains=["sante"])
    client.get("/exemples/?domaine=sante")  # this process's facet index and reference lists
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/exemples/?domaine=sante&page=1")  # not cached yet
    assert response.status_code == 200
    reads = [q for q in captured.captured_queries if "catalogue_catalogueversion" in q["sql"]]
    assert len(reads) == 1
