"""Exact query counts of the public pages, one baseline per page (as NetBox keeps them):
the same whatever the number of examples, and any drift shows. Other pages keep theirs
beside their tests: the list (test_pages), territory pages (test_territory_walk), the
finder (test_territory_finder), an example (test_nearby), the admin (test_admin)."""

import pytest

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

PAGE_QUERIES = {
    "/": 10,  # with the map of France: its départements and the map cache's version check
    "/acteurs/": 2,
    "/acteurs/partenaire-commun/": 6,
    # The version twice (reference lists, facet index; once under the page cache).
    "/domaines/sante/": 6,
    "/odd/4/": 6,
}


@pytest.mark.parametrize("url", PAGE_QUERIES)
@pytest.mark.parametrize("examples", [1, 12])
def test_public_page_query_count(client, django_assert_num_queries, url, examples):
    partner = ActorFactory(slug="partenaire-commun")
    for _index in range(examples):
        ExampleFactory(partners=[partner, ActorFactory()], domains=["sante"], odd=[4])
    client.get(url)  # builds this process's facet index
    with django_assert_num_queries(PAGE_QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200
