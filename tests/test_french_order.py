"""French alphabetical order everywhere, on SQLite and PostgreSQL alike, whatever the server's
locale: É sorts with E, Î with I, œ as oe, and case is ignored."""

import csv
import html
import io
import random
import re

import pytest

from catalogue.models import Actor, Domain, PartnershipType
from french.text import sort_key
from territoires.models import Territory

from .factories import ActorFactory, CuratorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

# Byte order (SQLite's, PostgreSQL's under the C locale) puts É, Î, Œ and lower case last.
TITLES_IN_FRENCH_ORDER = [
    "Emploi des jeunes",
    "Entreprise partagée",
    "Épicerie solidaire",
    "Espace de vie sociale",
    "Île aux livres",
    "Insertion par le sport",
    "Œuvre commune",
    "Ombre et lumière",
    "zéro déchet",
    "Zeste de quartier",
]
# Ties that only accents, case or ligatures separate: ICU's order, which sort_key follows.
TIES_IN_FRENCH_ORDER = [
    "Aesop", "Æsop", "Coeur", "Cœur", "Cote", "coté", "Côte", "côté", "ecole", "Ecole",
    "école", "École", "ÉCOLE", "Écoles", "L'École", "Lécole", "oeuvre", "Oeuvre", "Œuvre",
    "Saint Denis", "Saint-Denis", "Saintes", "zoe", "Zoé",
]  # fmt: skip


def texts(pattern, response):
    return [html.unescape(text) for text in re.findall(pattern, response.content.decode())]


def result_titles(response):
    return texts(r'<h3 class="card-title"><a href="[^"]+">(.*?)</a>', response)


def facet_labels(response, name):
    return texts(rf'<label for="f-{name}-[^"]+">(.*?) <span class="count">', response)


def test_sort_key_orders_like_a_french_dictionary():
    for names in (TITLES_IN_FRENCH_ORDER, TIES_IN_FRENCH_ORDER):
        assert sorted(random.Random(17).sample(names, k=len(names)), key=sort_key) == names


def test_database_order_is_the_python_order_even_for_ties():
    for name in reversed(TIES_IN_FRENCH_ORDER):
        ActorFactory(name=name)
    names = [n for n in Actor.objects.values_list("name", flat=True) if n in TIES_IN_FRENCH_ORDER]
    assert names == TIES_IN_FRENCH_ORDER


def test_list_sorted_by_title_follows_french_order(client):
    for title in reversed(TITLES_IN_FRENCH_ORDER):
        ExampleFactory(title=title)
    assert result_titles(client.get("/exemples/?tri=titre")) == TITLES_IN_FRENCH_ORDER


def test_export_sorted_by_title_follows_the_list_order(client):
    for title in reversed(TITLES_IN_FRENCH_ORDER):
        ExampleFactory(title=title, domains=["sante", "education-et-jeunesse"])
    response = client.get("/exemples/export.csv?tri=titre")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert [row["Titre"] for row in rows] == TITLES_IN_FRENCH_ORDER
    assert rows[0]["Domaines"] == "Éducation et jeunesse; Santé"


def test_territory_select_lists_regions_in_french_order(client):
    regions = texts(r'<optgroup label="([^"]+)">', client.get("/exemples/"))
    assert len(regions) == 18
    assert regions == sorted(regions, key=sort_key)
    assert regions.index("Hauts-de-France") < regions.index("Île-de-France")
    assert regions.index("Île-de-France") < regions.index("Normandie")


def test_domain_and_partnership_type_facets_in_french_order(client):
    response = client.get("/exemples/")
    domains = facet_labels(response, "domaine")
    assert domains == sorted(domains, key=sort_key) and len(domains) == Domain.objects.count()
    assert domains.index("Éducation et jeunesse") < domains.index("Emploi et insertion")
    assert domains[-1] != "Égalité femmes-hommes"
    types = facet_labels(response, "type_partenariat")
    assert types == sorted(types, key=sort_key) and len(types) == 4


def test_reference_lists_in_french_order():
    for model, level in ((Domain, None), (PartnershipType, None), (Territory, "region")):
        queryset = model.objects.filter(level=level) if level else model.objects.all()
        names = list(queryset.values_list("name", flat=True))
        assert names == sorted(names, key=sort_key), model
    domains = list(Domain.objects.values_list("name", flat=True))
    assert domains.index("Égalité femmes-hommes") < domains.index("Emploi et insertion")


def test_home_page_lists_domains_in_french_order(client):
    domains = texts(r'<li><a href="/domaines/[^"]+/">(.*?)</a></li>', client.get("/"))
    assert domains[:2] == ["Alimentation", "Citoyenneté et vie associative"]
    assert domains == sorted(domains, key=sort_key)
    assert domains[-1] == "Sport"


def test_actor_list_in_french_order(client):
    names = ["atelier du lien", "Écoles ouvertes", "Ensemble", "Œuvre de quartier", "Zeste"]
    ExampleFactory(partners=[ActorFactory(name=name) for name in reversed(names)])
    listed = texts(r'<li><a href="/acteurs/[^"]+/">(.*?)</a>', client.get("/acteurs/"))
    assert listed == names


def test_admin_lists_actors_and_regions_in_french_order(client):
    client.force_login(CuratorFactory())
    names = ["atelier du lien", "Écoles ouvertes", "Ensemble", "Œuvre de quartier", "Zeste"]
    for name in reversed(names):
        ActorFactory(name=name)
    response = client.get("/admin/catalogue/actor/")
    assert [actor.name for actor in response.context["cl"].result_list] == names
    regions = client.get("/admin/catalogue/example/").context["cl"].filter_specs
    region_filter = next(
        spec for spec in regions if getattr(spec, "parameter_name", "") == "region"
    )
    labels = [label for _, label in region_filter.lookup_choices]
    assert labels == sorted(labels, key=sort_key)
    assert labels.index("Île-de-France") == labels.index("Hauts-de-France") + 1
