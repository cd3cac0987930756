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
