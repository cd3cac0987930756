"""The read-only API (/api/v1/): the list page's examples, order and errors; no draft ever;
a fixed number of queries per page; a valid OpenAPI 3 schema; CORS; a rate limit."""

import pytest
from django.core.cache import cache
from django.http import QueryDict
from openapi_spec_validator import validate

from catalogue.choices import ActorType, ExampleStatus, PartnerRole
from catalogue.filtersets import ExampleFilterSet
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def place(slug):
    return Territory.objects.get(slug=slug)


@pytest.fixture
def catalogue(settings):
    """Nine published examples across the Nord (communes, an EPCI) and Paris, three pages of
    three; a draft and an archive that share their words, places and actors."""
    settings.EXAMPLES_PER_PAGE = 3
    association = ActorFactory(name="Les Petits Débrouillards du Nord")
    company = ActorFactory(name="Boulangerie Coopérative", actor_type=ActorType.ENTREPRISE)
    town = ActorFactory(name="Ville de Roubaix", actor_type=ActorType.COLLECTIVITE)
    hidden = ActorFactory(name="Acteur des seuls brouillons", actor_type=ActorType.FONDATION)
    places = ["commune-59350", "commune-59512", "commune-75056", "epci-200093201"]
    for number in range(9):
        ExampleFactory(
            title=f"École partagée {number}" if number % 3 == 0 else f"Jardin solidaire {number}",
            territory=place(places[number % 4]),
            partners=[(association, PartnerRole.PORTEUR), company if number % 2 else town],
            domains=["education-et-jeunesse" if number % 2 else "alimentation"],
            odd=[4] if number % 3 else [4, 17],
            start_year=2015 + number % 5,
        )
    for status in (ExampleStatus.BROUILLON, ExampleStatus.ARCHIVE):
        ExampleFactory(
            title=f"École cachée {status}",
            status=status,
            partners=[association, company, hidden],
            domains=["education-et-jeunesse"],
            odd=[4],
            start_year=2024,
        )
    return {"association": association, "hidden": hidden}


LIST_QUERIES = [
    "",
    "q=ecole",
    "q=jardins+solidaires",
    "territoire=region-32",
    "territoire=departement-59",
    "territoire=epci-200093201",
    "territoire=commune-75056",
    "type_acteur=association&type_acteur=entreprise",
    "type_acteur=collectivite",
    "odd=4&tri=titre",
    "odd=17&domaine=alimentation&domaine=education-et-jeunesse",
    "annee_min=2016&annee_max=2018&tri=ancien",
    "q=ecole&territoire=region-32&type_acteur=association",
    "acteur={association}",
]


def html_pages(client, query):
    """(total, [[slugs of page 1], [page 2], …]) as /exemples/ shows them."""
    response = client.get(f"/exemples/?{query}")
    paginator = response.context["paginator"]
    pages = []
    for number in paginator.page_range:
        context = client.get(f"/exemples/?{query}&page={number}").context
        pages.append([example.slug for example in context["examples"]])
    return paginator.count, pages


def api_pages(client, query):
    """(total, [[slugs of page 1], …]) walking the API through its `next` links."""
    url, pages, total = f"/api/v1/exemples/?{query}", [], None
    while url:
        body = client.get(url).json()
        total = body["count"] if total is None else total
        pages.append([example["slug"] for example in body["results"]])
        url = body["next"]
    return total, pages


@pytest.mark.parametrize("query", LIST_QUERIES)
def test_api_list_holds_the_examples_and_order_of_the_list_page(client, catalogue, query):
    query = query.format(association=catalogue["association"].slug)
    total, pages = html_pages(client, query)
    assert total > 0
    assert api_pages(client, query) == (total, pages or [[]])


BAD_QUERIES = [
    "territoire=nulle-part",
    "odd=99",
    "domaine=astrologie",
    "type_acteur=extraterrestre",
    "annee_min=deux-mille",
    "annee_min=2022&annee_max=2019",
    "tri=hasard",
    "q=ecole&q=jardin",
    "page=deux",
    "acteur={hidden}",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_api_list_refuses_what_the_list_page_refuses_with_the_same_messages(
    client, catalogue, query
):
    query = query.format(hidden=catalogue["hidden"].slug)
    shown = client.get(f"/exemples/?{query}").context["form"].errors
    response = client.get(f"/api/v1/exemples/?{query}")
    assert response.status_code == 400
    assert shown
    assert response.json() == {name: list(messages) for name, messages in shown.items()}


def test_api_never_shows_a_draft_or_an_archive(client, catalogue):
    hidden_slugs = {"ecole-cachee-brouillon", "ecole-cachee-archive"}
    for query in LIST_QUERIES:
        _total, pages = api_pages(client, query.format(association=catalogue["association"].slug))
        assert not hidden_slugs & {slug for page in pages for slug in page}
    for slug in hidden_slugs:
        assert client.get(f"/api/v1/exemples/{slug}/").status_code == 404
    hidden = catalogue["hidden"].slug
    assert client.get(f"/api/v1/acteurs/{hidden}/").status_code == 404
    actors = client.get("/api/v1/acteurs/?q=seuls").json()
    assert actors["count"] == 0


def test_api_example_detail_names_its_relations(client, catalogue):
    slug = client.get("/api/v1/exemples/?q=ecole&tri=titre").json()["results"][0]["slug"]
    example = client.get(f"/api/v1/exemples/{slug}/").json()
    assert example["titre"] == "École partagée 0"
    assert example["territoire"]["slug"] == "commune-59350"
    assert example["odd"] == [4, 17]
    assert example["domaines"] == ["alimentation"]
    assert [p["role"] for p in example["partenaires"]] == ["porteur", "partenaire"]
    assert example["url"] == f"http://testserver/exemples/{slug}/"


def test_api_actor_list_is_the_actor_page_list(client, catalogue):
    shown = [a.slug for a in client.get("/acteurs/?type_acteur=association").context["actors"]]
    body = client.get("/api/v1/acteurs/?type_acteur=association").json()
    assert [a["slug"] for a in body["results"]] == shown
    refused = client.get("/api/v1/acteurs/?type_acteur=martien")
    assert refused.status_code == 400
    assert "type_acteur" in refused.json()


def test_api_territory_has_its_parents_and_children(client, catalogue):
    nord = client.get("/api/v1/territoires/departement-59/").json()
    assert [t["slug"] for t in nord["parents"]] == ["pays-fr", "region-32"]
    assert "epci-200093201" in {t["slug"] for t in nord["enfants"]}
    regions = client.get("/api/v1/territoires/?niveau=region").json()
    assert regions["count"] == 18
    below = client.get("/api/v1/territoires/?parent=region-32").json()
    assert {t["parent"] for t in below["results"]} == {"region-32"}
    assert client.get("/api/v1/territoires/?niveau=canton").status_code == 400


def test_api_reference_lists(client, catalogue):
    objectives = client.get("/api/v1/objectifs/").json()
    assert objectives["count"] == 21
    assert objectives["results"][3] == {
        "famille": "odd",
        "numero": 4,
        "nom": objectives["results"][3]["nom"],
        "nom_court": "Éducation de qualité",
        "couleur": "#C5192D",
    }
    domains = client.get("/api/v1/domaines/").json()
    assert "alimentation" in {d["slug"] for d in domains["results"]}


@pytest.mark.parametrize("per_page", [2, 6])
def test_api_list_query_count_is_constant(
    client, catalogue, settings, django_assert_num_queries, per_page
):
    settings.EXAMPLES_PER_PAGE = per_page
    query = "/api/v1/exemples/?territoire=region-32&odd=4&type_acteur=association"
    client.get(query)  # builds this process's facet index for the public version
    # The version (the FilterSet's reference lists are this process's at that version), the
    # version again (the facet index); the page's examples with their territory; domains,
    # objectives, partnership types, partners.
    with django_assert_num_queries(7):
        body = client.get(query).json()
    assert len(body["results"]) == per_page


def test_api_is_read_only_and_open_to_other_sites(client, catalogue):
    response = client.get("/api/v1/exemples/", HTTP_ORIGIN="https://reseau.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    page = client.get("/exemples/", HTTP_ORIGIN="https://reseau.example.org")
    assert "Access-Control-Allow-Origin" not in page
    assert client.post("/api/v1/exemples/", {}).status_code == 405
    assert client.delete("/api/v1/domaines/alimentation/").status_code == 405


def test_api_limits_each_anonymous_client(client, catalogue, settings):
    settings.API_ANON_RATE = "2/min"
    cache.clear()
    assert client.get("/api/v1/domaines/", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get("/api/v1/domaines/", REMOTE_ADDR="203.0.113.7").status_code == 200
    refused = client.get("/api/v1/domaines/", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert client.get("/api/v1/domaines/", REMOTE_ADDR="203.0.113.8").status_code == 200
    cache.clear()


def test_api_schema_is_valid_openapi_3_and_documents_every_list_parameter(client, catalogue):
    schema = client.get("/api/v1/schema/?format=json").json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    documented = {p["name"] for p in schema["paths"]["/api/v1/exemples/"]["get"]["parameters"]}
    filters = set(ExampleFilterSet(QueryDict()).filters)
    assert filters | {"page"} == documented
    actor_params = schema["paths"]["/api/v1/acteurs/"]["get"]["parameters"]
    assert {p["name"] for p in actor_params} == {"q", "type_acteur", "page"}
    assert client.get("/api/v1/documentation/").status_code == 200
