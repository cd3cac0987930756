import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.choices import ActorType, ExampleStatus
from catalogue.models import Example, PartnershipType
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    return response.content.decode()


def result_titles(response):
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">(.*?)</a>', text_of(response))


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


def test_home_page_shows_the_search_box_figures_and_latest(client):
    shared = ActorFactory()
    ExampleFactory(title="Jardin partagé des Moulins", partners=[shared, ActorFactory()])
    roubaix = Territory.objects.get(slug="commune-59512")
    ExampleFactory(title="Verger", partners=[shared], territory=roubaix)
    hidden = ActorFactory()
    ExampleFactory(title="Projet en brouillon", status=ExampleStatus.BROUILLON, partners=[hidden])
    response = client.get("/")
    assert response.status_code == 200
    content = text_of(response)
    assert 'role="search"' in content
    assert "Jardin partagé des Moulins" in content
    assert "Projet en brouillon" not in content
    assert response.context["figures"] == {"examples": 2, "actors": 2, "territories": 2}


@pytest.mark.parametrize("status", [ExampleStatus.BROUILLON, ExampleStatus.ARCHIVE])
def test_unpublished_examples_are_invisible(client, status):
    hidden = ExampleFactory(title="Alliance invisible", status=status)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "Alliance invisible" not in text_of(client.get("/exemples/"))
    assert "Alliance invisible" not in text_of(client.get("/exemples/?q=invisible"))
    assert client.get("/exemples/?q=invisible").context["paginator"].count == 0
    assert "Alliance invisible" not in text_of(client.get("/territoires/commune-59350/"))


def test_example_page_shows_partners_territory_and_odd(client):
    actor = ActorFactory(name="Fondation Cap", actor_type=ActorType.FONDATION)
    example = ExampleFactory(
        title="Cap sur l'emploi", partners=[actor], odd=[8], domains=["emploi-et-insertion"]
    )
    neighbour = ExampleFactory(title="Voisin de Lille")
    content = text_of(client.get(example.get_absolute_url()))
    assert "Fondation Cap" in content and "Fondation" in content
    assert "ODD 8 : Travail décent et croissance économique" in content
    assert "objective-odd-8" in content  # its colour, a class of site.css
    assert 'aria-label="Fil d\'Ariane du territoire"' in content
    for name in ("France", "Hauts-de-France", "Nord", "Lille"):
        assert f">{name}</a>" in content
    assert neighbour.title in content  # a related example: same territory


def test_list_page_shows_an_error_for_a_bad_parameter_and_no_results(client):
    ExampleFactory()
    response = client.get("/exemples/?odd=99&annee_min=abc")
    assert response.status_code == 200
    content = text_of(response)
    assert 'role="alert"' in content
    assert "99 n’en fait pas partie" in content
    assert "Saisissez une année" in content
    assert result_titles(response) == []


def test_list_page_shows_active_filters_each_removable(client):
    ExampleFactory(title="Sciences à l'école", odd=[4], domains=["sante"])
    response = client.get("/exemples/?odd=4&domaine=sante&q=sciences")
    chips = response.context["active_filters"]
    labels = [chip["label"] for chip in chips]
    assert "ODD : ODD 4 : Éducation de qualité" in labels
    assert "Domaines : Santé" in labels
    removal = next(c["remove_url"] for c in chips if c["label"].startswith("ODD"))
    assert "odd=" not in removal and "domaine=sante" in removal and "q=sciences" in removal


def test_list_page_counts_beside_filter_values(client):
    ExampleFactory(odd=[4])
    ExampleFactory(odd=[4, 17])
    content = text_of(client.get("/exemples/"))
    assert re.search(r"ODD 4 : Éducation de qualité <span class=\"count\">\(2<", content)
    assert re.search(
        r"ODD 17 : Partenariats pour la réalisation des objectifs "
        r"<span class=\"count\">\(1<",
        content,
    )
    assert re.search(r"Hauts-de-France — toute la région \(2\)", content)


def test_list_page_paginates_25_per_page_and_keeps_filters(client):
    for index in range(30):
        ExampleFactory(title=f"Alliance {index:02d}", start_year=2000 + index % 20, odd=[4])
    first = client.get("/exemples/?odd=4")
    assert len(result_titles(first)) == 25
    assert 'href="?odd=4&amp;page=2"' in text_of(first)
    second = client.get("/exemples/?odd=4&page=2")
    assert len(result_titles(second)) == 5
    assert not set(result_titles(first)) & set(result_titles(second))


def test_list_page_works_without_javascript(client):
    content = text_of(client.get("/exemples/"))
    assert '<form method="get" action="/exemples/" id="filtres"' in content
    assert '<button type="submit">Appliquer les filtres</button>' in content


def test_territory_filter_never_renders_every_commune(client):
    content = text_of(client.get("/exemples/"))
    assert content.count("<option") < 200


def test_territory_search_finds_communes_by_name_without_accents(client):
    response = client.get("/territoires/?q=saint-etienne&suite=odd%3D4")
    links = [link for _, link in response.context["results"]]
    assert "/exemples/?odd=4&territoire=commune-42218" in links


def test_selected_commune_is_kept_in_the_territory_select(client):
    content = text_of(client.get("/exemples/?territoire=commune-59512"))
    assert '<option value="commune-59512" selected>Roubaix (59)' in content


def test_actor_pages(client):
    actor = ActorFactory(name="Réseau Boussole", actor_type=ActorType.ACCOMPAGNEMENT)
    ExampleFactory(title="Accompagner les porteurs", partners=[actor])
    ExampleFactory(title="Brouillon caché", partners=[actor], status=ExampleStatus.BROUILLON)
    listing = text_of(client.get("/acteurs/?q=boussole"))
    assert "Réseau Boussole" in listing and "1 exemple)" in listing
    detail = client.get(actor.get_absolute_url())
    assert result_titles(detail) == ["Accompagner les porteurs"]
    assert "Type d&#x27;acteur inconnu" in text_of(client.get("/acteurs/?type_acteur=pirate"))


def test_territory_page_counts_examples_below_it(client):
    association = ActorFactory()
    ExampleFactory(title="À Lille", partners=[association], domains=["sante"])
    ExampleFactory(title="À Roubaix", territory=Territory.objects.get(slug="commune-59512"))
    response = client.get("/territoires/departement-59/")
    assert response.context["example_count"] == 2
    assert ("Association", 1) in response.context["counts_by_type"]
    assert [(d.slug, n) for d, n in response.context["counts_by_domain"]] == [("sante", 1)]
    assert client.get("/territoires/region-99/").status_code == 404


def test_domain_and_odd_pages(client):
    ExampleFactory(title="Cantine bio", domains=["alimentation"], odd=[2])
    assert "Cantine bio" in text_of(client.get("/domaines/alimentation/"))
    assert "Cantine bio" in text_of(client.get("/odd/2/"))
    assert client.get("/odd/18/").status_code == 404
    assert client.get("/domaines/inconnu/").status_code == 404


def test_search_results_highlight_matched_words(client):
    ExampleFactory(title="Jardins partagés")
    content = text_of(client.get("/exemples/?q=jardin"))
    assert "<mark>Jardins</mark> partagés" in content


LIST_PAGE_QUERIES = 10


def list_page_queries(client, settings, per_page):
    settings.EXAMPLES_PER_PAGE = per_page
    with CaptureQueriesContext(connection) as context:
        response = client.get(
            "/exemples/?q=alliance&territoire=region-32&type_acteur=association&odd=4"
            "&domaine=sante&objectif=1&type_partenariat=mecenat&echelle=local"
            "&annee_min=2000&acteur=partenaire-commun"
        )
    assert len(response.context["examples"]) == per_page
    return len(context)


def test_list_page_query_count_does_not_grow_with_the_page(client, settings):
    partner = ActorFactory(slug="partenaire-commun")
    other = ActorFactory(actor_type=ActorType.ENTREPRISE)
    for index in range(100):
        example = ExampleFactory(
            title=f"Alliance numéro {index}",
            partners=[partner, other],
            odd=[4, 17],
            domains=["sante"],
            alliance=[1],
            scale="local",
        )
        example.partnership_types.add(PartnershipType.objects.get(slug="mecenat"))
    assert Example.objects.count() == 100
    list_page_queries(client, settings, 25)  # builds this process's facet index
    small = list_page_queries(client, settings, 25)
    large = list_page_queries(client, settings, 100)
    assert small == large
    # The version (the reference lists are this process's at that version), the actor, the
    # synonyms' table (changed since this process read it?), 1 word count (the words
    # themselves are in this process's memory since the first request:
    # catalogue.word_index), the version again and the actor (facets), the page's rows (in
    # order from memory), 2 prefetches (objectives and partners: what a card shows).
    assert large == LIST_PAGE_QUERIES
