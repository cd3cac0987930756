"""Query understanding (catalogue.understanding): the phrases of a search that name a place,
a theme or an actor are offered as filters, never corrected, and a place's examples rank
first — on both databases, in SQL and from the words in memory alike."""

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import strip_tags

from catalogue import selectors, understanding
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Actor
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

LILLE, ROUBAIX, RENNES = "commune-59350", "commune-59512", "commune-35238"
FAY_DE_BRETAGNE, SAINT_MALO = "commune-44056", "commune-35288"
SAINT_DENIS_93, SAINT_DENIS_974 = "commune-93066", "commune-97411"
SAINT_ANDRE_LEZ_LILLE = "commune-59527"


def place(slug):
    return Territory.objects.get(slug=slug)


def example(title, slug, **kwargs):
    kwargs.setdefault("summary", "Des acteurs voisins travaillent ensemble.")
    return ExampleFactory(title=title, territory=place(slug), **kwargs)


def understood(text):
    """[(kind, value, label, count)] of every offer, phrase after phrase."""
    filterset = ExampleFilterSet({"q": text})
    assert filterset.is_valid(), filterset.errors
    return [
        (offer.kind, offer.value, offer.label, offer.count)
        for offer in filterset.understanding.offers
    ]


def in_sql_order(text):
    filterset = ExampleFilterSet({"q": text})
    return list(filterset.qs.values_list("pk", flat=True))


def in_list_order(text):
    """The list page's order: from the words in memory (catalogue.word_index)."""
    filterset = ExampleFilterSet({"q": text})
    assert filterset.is_valid()
    return list(selectors.ordered_results(filterset))


def page_text(client, **params):
    response = client.get(reverse("catalogue:example_list"), params)
    assert response.status_code == 200
    return response, " ".join(strip_tags(response.content.decode()).split())


# --- Places ------------------------------------------------------------------------------------


def test_lille_is_never_corrected_even_where_no_example_holds_it(client):
    # The demo data's case: no example says « lille », one says « ville » (one edit away).
    example("Une navette pour la ville", ROUBAIX)
    filterset = ExampleFilterSet({"q": "Lille"})
    assert filterset.is_valid()
    assert filterset.search_plan.corrections == []
    assert "lille" in filterset.understanding.protected
    # A town is offered without examples (its page shows those around it); a small commune
    # named like a common word is not (« Jardin », Isère).
    assert understood("Lille") == [("territoire", LILLE, "Lille (59)", 0)]
    assert understood("jardin") == []
    _response, text = page_text(client, q="Lille")
    assert "Lille (59) — aucun exemple pour l'instant · voir sa page" in text
    assert "au lieu de" not in text


def test_lille_is_offered_as_a_filter_with_its_examples(client):
    example("Un jardin solidaire", LILLE)
    response, text = page_text(client, q="Lille")
    assert understood("Lille") == [("territoire", LILLE, "Lille (59)", 1)]
    assert "Lille (59) — 1 exemple : filtrer sur ce territoire · voir sa page" in text
    assert 'href="/exemples/?territoire=commune-59350"' in response.content.decode()
    assert "au lieu de" not in text


def test_examples_located_in_lille_rank_before_those_that_only_name_it():
    located = example("Un jardin solidaire", LILLE, start_year=2016)
    naming = example("Des étudiants de Lille à Roubaix", ROUBAIX, start_year=2023)
    # The title hit (10) outscores the territory (2) without the place's boost.
    assert in_sql_order("lille") == [located.pk, naming.pk]
    assert in_list_order("lille") == [located.pk, naming.pk]


def test_a_place_and_words_together_rank_the_place_first_in_sql_and_in_memory():
    located = example("Un jardin partagé", LILLE, start_year=2015)
    elsewhere = example("Un jardin pour Lille", ROUBAIX, start_year=2022)
    other = example("Jardin de Lille, jardin du monde", ROUBAIX, start_year=2020)
    for text in ("jardin lille", "lille jardin"):
        assert in_sql_order(text) == in_list_order(text), text
        assert in_sql_order(text)[0] == located.pk, text
        assert set(in_sql_order(text)) == {located.pk, elsewhere.pk, other.pk}


def test_bretagne_offers_the_region_and_ranks_its_examples_first(client):
    rennes = example("Des paniers solidaires", RENNES, start_year=2016)
    fay = example("Un verger partagé", FAY_DE_BRETAGNE, start_year=2024)
    # The communes named Bretagne (Indre, Territoire de Belfort) have no example: not offered.
    assert understood("Bretagne") == [("territoire", "region-53", "Bretagne", 1)]
    assert in_sql_order("Bretagne") == in_list_order("Bretagne") == [rennes.pk, fay.pk]
    response, text = page_text(client, q="Bretagne")
    assert "Bretagne — 1 exemple : filtrer sur ce territoire · voir sa Fiche Repères" in text
    assert 'href="/reperes/region-53/"' in response.content.decode()


def test_the_longest_name_wins():
    example("Un atelier vélo", SAINT_ANDRE_LEZ_LILLE)
    example("Un jardin solidaire", LILLE)
    for text in ("Saint-André-lez-Lille", "saint andre lez lille", "St André lès Lille"):
        assert understood(text) == [
            ("territoire", SAINT_ANDRE_LEZ_LILLE, "Saint-André-lez-Lille (59)", 1)
        ], text
    assert understood("Seine-Saint-Denis") == [
        ("territoire", "departement-93", "Seine-Saint-Denis (93)", 0)
    ]


def test_an_epci_ranks_its_member_communes_first_and_an_actor_of_that_name_is_offered_too():
    actor = ActorFactory(
        name="Rennes Métropole", actor_type="collectivite", territory=place(RENNES)
    )
    located = example("Des cantines groupées", RENNES, partners=[actor], start_year=2016)
    naming = example("Comme Rennes Métropole, Brest mutualise", "commune-29019", start_year=2024)
    assert understood("Rennes Métropole") == [
        ("territoire", "epci-243500139", "Rennes Métropole", 1),
        ("acteur", actor.slug, "Rennes Métropole (Rennes)", 1),
    ]
    assert in_sql_order("rennes metropole") == in_list_order("rennes metropole")
    assert in_sql_order("rennes metropole") == [located.pk, naming.pk]


def test_saint_denis_offers_each_commune_of_that_name_with_its_departement(client):
    example("Un atelier de couture", SAINT_DENIS_93)
    example("Une épicerie sociale", SAINT_DENIS_93)
    example("Des paniers tressés", SAINT_DENIS_974)
    assert understood("Saint-Denis") == [
        ("territoire", SAINT_DENIS_93, "Saint-Denis (93)", 2),
        ("territoire", SAINT_DENIS_974, "Saint-Denis (974)", 1),
    ]
    _response, text = page_text(client, q="St-Denis")
    assert "« St-Denis » peut désigner : Saint-Denis (93) — 2 exemples" in text
    assert "Saint-Denis (974) — 1 exemple" in text


def test_an_abbreviated_saint_is_searched_written_out():
    found = example("Des livres dans les maisons de retraite", SAINT_MALO)
    assert understood("St-Malo") == [("territoire", SAINT_MALO, "Saint-Malo (35)", 1)]
    assert in_sql_order("St-Malo") == in_list_order("St-Malo") == [found.pk]


def test_a_departement_number_names_the_departement():
    example("Un jardin solidaire", LILLE)
    assert understood("59") == [("territoire", "departement-59", "Nord (59)", 1)]
    assert understood("nord") == [("territoire", "departement-59", "Nord (59)", 1)]


def test_negated_words_and_other_alternatives_name_nothing():
    example("Un jardin solidaire", LILLE)
    assert understood("jardin -Lille") == []
    assert understood('jardin -"Lille"') == []


# --- Themes ------------------------------------------------------------------------------------


def test_ecole_offers_the_education_domain(client):
    example("Un potager au collège", RENNES, domains=["education-et-jeunesse"])
    example("Des tablettes pour les classes", LILLE, domains=["education-et-jeunesse"])
    assert understood("école") == [("domaine", "education-et-jeunesse", "Éducation et jeunesse", 2)]
    _response, text = page_text(client, q="écoles")
    assert "Éducation et jeunesse — 2 exemples : filtrer sur ce domaine" in text


@pytest.mark.parametrize(
    "text", ["ODD 4", "odd4", "éducation de qualité", "Education de qualite", "ODD-4"]
)
def test_odd_4_is_recognised_by_number_and_title(text):
    example("Un potager au collège", RENNES, odd=[4])
    assert understood(text) == [("odd", "4", "ODD 4 : Éducation de qualité", 1)]


def test_alliance_objectives_actor_types_and_partnership_types_are_offered():
    example("Un potager au collège", RENNES, alliance=[4], partnership_types=["mecenat"])
    assert understood("co-construire localement") == [
        ("objectif", "4", "4. Co-construire localement", 1)
    ]
    assert understood("associations")[0][:3] == ("type_acteur", "association", "Association")
    assert understood("mécénat") == [("type_partenariat", "mecenat", "Mécénat", 1)]


def test_a_known_actor_is_offered_by_its_whole_name():
    actor = ActorFactory(name="La Boussole", territory=place(RENNES))
    example("Un toit pour les apprentis", RENNES, partners=[actor])
    assert understood("la boussole") == [("acteur", actor.slug, "La Boussole (Rennes)", 1)]
    assert understood("boussole") == []  # a word of its name is only a word
    assert Actor.objects.filter(slug=actor.slug).exists()


def test_words_named_are_kept_and_filtering_drops_them_from_the_search():
    example("Un jardin solidaire", LILLE)
    params = QueryDict("q=jardin+Lille&tri=recent&page=2")
    filterset = ExampleFilterSet(params)
    assert filterset.is_valid()
    (item,) = understanding.offered(filterset.understanding, params)
    assert [choice["filter_query"] for choice in item["offers"]] == [
        "?q=jardin&tri=recent&territoire=commune-59350"
    ]


# --- The API -----------------------------------------------------------------------------------


def test_the_api_list_says_what_it_understood(client):
    example("Un jardin solidaire", LILLE)
    response = client.get("/api/v1/exemples/", {"q": "Lille"})
    assert response.status_code == 200
    (entry,) = response.json()["compris"]
    assert entry == {
        "expression": "Lille",
        "type": "territoire",
        "valeur": LILLE,
        "libelle": "Lille (59)",
        "nombre": 1,
        "url_filtre": "http://testserver/api/v1/exemples/?territoire=commune-59350",
        "url": settings.SITE_URL + "/territoires/commune-59350/",
    }
    assert client.get("/api/v1/exemples/").json()["compris"] == []


def test_the_api_schema_documents_what_it_understood(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedExampleList"]
    assert "compris" in page["properties"]
    assert "compris" in page["required"]
