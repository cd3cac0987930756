import re

import pytest

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def pagination_links(content):
    """[(text, page number)] of the pagination's links, in order, hidden words included."""
    nav = content.split('<nav class="pagination"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="\?(?:[^"]*&amp;)?page=(\d+)"[^>]*>(.*?)</a>', nav, re.S)
    return [(re.sub(r"<[^>]+>|\s+", " ", text).split(), int(page)) for page, text in links]


def test_list_pagination_links_first_previous_a_window_next_and_last(client, settings):
    settings.EXAMPLES_PER_PAGE = 2
    for index in range(30):
        ExampleFactory(title=f"Alliance {index:02d}", odd=[4])
    content = client.get("/exemples/?odd=4&page=6").content.decode()
    links = pagination_links(content)
    assert [page for _text, page in links] == [1, 5, 1, 4, 5, 6, 7, 8, 15, 7, 15]
    assert links[0][0] == ["«", "Première", "page"]
    assert links[1][0] == ["‹", "Précédente", "page"]
    assert links[-2][0] == ["Suivante", "page", "›"]
    assert links[-1][0] == ["Dernière", "page", "»"]
    assert 'href="?odd=4&amp;page=6" aria-current="page"' in content
    assert content.count('<li class="page-gap" aria-hidden="true">…</li>') == 2
    assert "Page 6 sur 15" in content


def test_first_page_has_no_previous_and_last_page_no_next(client, settings):
    settings.EXAMPLES_PER_PAGE = 2
    ExampleFactory.create_batch(5)
    first = pagination_links(client.get("/exemples/").content.decode())
    assert [page for _text, page in first] == [1, 2, 3, 2, 3]
    last = pagination_links(client.get("/exemples/?page=3").content.decode())
    assert [page for _text, page in last] == [1, 2, 1, 2, 3]


def test_actor_list_has_the_same_numbered_pagination(client):
    ExampleFactory(partners=[ActorFactory(name=f"Atelier {n:03d}") for n in range(120)])
    links = pagination_links(client.get("/acteurs/?q=atelier").content.decode())
    assert [page for _text, page in links] == [1, 2, 3, 2, 3]


def test_long_facet_shows_its_most_frequent_values_and_the_rest_behind_voir_tout(client):
    for odd, count in ((3, 4), (5, 3), (7, 2), (9, 2), (11, 1), (13, 1), (15, 1)):
        ExampleFactory.create_batch(count, odd=[odd])
    content = client.get("/exemples/?odd=16").content.decode()
    odd_facet = content.split('id="id_odd"')[1].split("</fieldset>")[0]
    first, more = odd_facet.split('<details class="facet-more">')
    shown = re.findall(r'name="odd" value="(\d+)"', first)
    assert shown == ["3", "5", "7", "9", "11", "16"]  # the chosen one is always shown
    assert len(re.findall(r'name="odd" value="(\d+)"', more)) == 11
    assert "Voir tout" in more


def test_the_filters_button_says_how_many_filters_are_active(client):
    ExampleFactory(odd=[4], domains=["sante"])
    content = client.get("/exemples/?odd=4&domaine=sante").content.decode()
    assert re.search(r'<summary class="filters-toggle">Filtrer \(2<span', content)
    results = content.index('id="titre-resultats"')
    assert content.index('class="active-filters"') > results
