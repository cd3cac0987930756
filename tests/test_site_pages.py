import re

import pytest
from django.contrib.flatpages.models import FlatPage

from catalogue.choices import ExampleStatus

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db

OWED_PAGES = {
    "/a-propos/": "Co-construire localement",
    "/mentions-legales/": "Données personnelles",
    "/accessibilite/": "partiellement conforme",
    "/contact/": "Proposer un exemple",
}


@pytest.mark.parametrize("path", list(OWED_PAGES))
def test_owed_page_answers_with_its_french_text_and_is_linked_from_every_footer(
    client, site_pages, path
):
    response = client.get(path)
    assert response.status_code == 200
    assert OWED_PAGES[path] in response.content.decode()
    footer = client.get("/exemples/").content.decode().split('class="site-footer"')[1]
    assert f'href="{path}"' in footer


def test_owed_page_text_is_what_curators_wrote_in_the_admin(client, site_pages):
    FlatPage.objects.filter(url="/a-propos/").update(content="<p>Texte revu par l'équipe.</p>")
    assert "Texte revu par l'équipe." in client.get("/a-propos/").content.decode()


def test_contact_page_shows_the_configured_address(client, site_pages, settings):
    settings.CONTACT_EMAIL = "observatoire@example.org"
    assert 'href="mailto:observatoire@example.org"' in client.get("/contact/").content.decode()


def counts_by_link(content):
    """{link: number of examples} of an index page."""
    pattern = r'<a [^>]*href="([^"]+)".*?</a>\s*<span class="count">(\d+) exemple'
    found = re.findall(pattern, content)
    return {href: int(count) for href, count in found}


def test_domain_index_counts_published_examples_of_each_domain(client):
    ExampleFactory.create_batch(2, domains=["sante"])
    ExampleFactory(domains=["sante", "sport"])
    ExampleFactory(domains=["sport"], status=ExampleStatus.BROUILLON)
    response = client.get("/domaines/")
    assert response.status_code == 200
    counts = counts_by_link(response.content.decode())
    assert counts["/domaines/sante/"] == 3
    assert counts["/domaines/sport/"] == 1
    assert counts["/domaines/culture/"] == 0


def test_odd_index_lists_the_17_goals_with_their_counts(client):
    ExampleFactory(odd=[4, 17])
    ExampleFactory(odd=[17])
    response = client.get("/odd/")
    assert response.status_code == 200
    counts = counts_by_link(response.content.decode())
    assert len(counts) == 17
    assert counts["/odd/17/"] == 2
    assert counts["/odd/4/"] == 1
    assert counts["/odd/1/"] == 0


HOSTILE_CONTENT = (
    '<meta http-equiv="refresh" content="0; url=https://piege.example/">'
    "<script>alert(1)</script>"
    '<iframe src="https://piege.example/"></iframe>'
    '<p style="position:fixed;inset:0" onclick="alert(2)">Texte <strong>gardé</strong> '
    '<a href="javascript:alert(3)">lien</a> <a href="/proposer/">proposer</a></p>'
)


def assert_sanitised(html):
    for hostile in ("<meta", "refresh", "<script", "alert(", "<iframe", "style=", "onclick"):
        assert hostile not in html
    assert "Texte <strong>gardé</strong>" in html and 'href="/proposer/"' in html


def test_flat_page_content_is_sanitised_when_rendered(client, site_pages):
    FlatPage.objects.filter(url="/a-propos/").update(content=HOSTILE_CONTENT)
    response = client.get("/a-propos/")
    assert response.status_code == 200
    assert_sanitised(response.content.decode().split("<article")[1])


def flat_page_form(page, **changes):
    data = {"url": page.url, "title": page.title, "content": page.content, "sites": ["1"]}
    return {"template_name": "", **data, **changes}


def test_flat_page_content_is_sanitised_when_saved(admin_client, site_pages):
    page = FlatPage.objects.get(url="/a-propos/")
    response = admin_client.post(
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        flat_page_form(page, content=HOSTILE_CONTENT),
    )
    assert response.status_code == 302
    assert_sanitised(FlatPage.objects.get(pk=page.pk).content)


def test_flat_page_template_is_one_of_the_site_page_templates(admin_client, site_pages):
    page = FlatPage.objects.get(url="/a-propos/")
    response = admin_client.post(
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        flat_page_form(page, template_name="admin/index.html"),
    )
    assert response.status_code == 200
    assert "« admin/index.html » n&#x27;est pas un modèle de page du site" in (
        response.content.decode()
    )
    assert FlatPage.objects.get(pk=page.pk).template_name == ""


def test_a_stored_foreign_template_falls_back_to_the_page_template(client, site_pages):
    FlatPage.objects.filter(url="/a-propos/").update(template_name="admin/index.html")
    response = client.get("/a-propos/")
    assert response.status_code == 200
    assert "Co-construire localement" in response.content.decode()
