"""The admin's autocompletes (and change-list searches) ignore accents and case and put the
best match first: the whole name, then (territories) the higher level, then the beginning of
the name, then the rest."""

import pytest

from territoires.models import Territory

from .factories import ActorFactory, CuratorFactory

pytestmark = pytest.mark.django_db

# The autocomplete of one field of one admin form: (app_label, model_name, field_name).
TERRITORY = ("catalogue", "example", "territory")
DOMAIN = ("catalogue", "example", "domains")
OBJECTIVE = ("catalogue", "example", "objectives")
ACTOR = ("catalogue", "partnership", "actor")
EXAMPLE = ("catalogue", "partnership", "example")
PARENT_TERRITORY = ("territoires", "territory", "parent")


def autocomplete(client, field, term):
    app_label, model_name, field_name = field
    response = client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200, response.content[:300]
    return response.json()


def texts(client, field, term):
    return [result["text"] for result in autocomplete(client, field, term)["results"]]


def territory_slugs(client, term):
    ids = [int(result["id"]) for result in autocomplete(client, TERRITORY, term)["results"]]
    slugs = dict(Territory.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[pk] for pk in ids]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("sante", ["Santé", "Sport"]),  # Sport: « sport-santé » in its description
        ("SANTÉ", ["Santé", "Sport"]),
        ("education", ["Éducation et jeunesse"]),
        ("Egalite", ["Égalité femmes-hommes"]),
        ("solid", ["Solidarités", "Mobilité"]),  # the name's beginning, then « solidaire »
    ],
)
def test_domain_autocomplete_ignores_accents_and_case(client, curator, term, found):
    assert texts(client, DOMAIN, term) == found


def test_objective_autocomplete_finds_an_odd_without_its_accents(client, curator):
    found = texts(client, OBJECTIVE, "educ")
    assert found[0] == "ODD 4 : Éducation de qualité"
    assert texts(client, OBJECTIVE, "ODD 4")[0] == "ODD 4 : Éducation de qualité"
    assert set(texts(client, OBJECTIVE, "4")[:2]) == {
        "ODD 4 : Éducation de qualité",
        "4. Co-construire localement",
    }


@pytest.mark.parametrize("term", ["Ile-de-France", "ile de france", "ÎLE-DE-FRANCE"])
def test_territory_autocomplete_ignores_accents_case_and_hyphens(client, curator, term):
    assert territory_slugs(client, term)[0] == "region-11"


def test_territory_autocomplete_puts_the_departement_nord_before_communes(client, curator):
    slugs = territory_slugs(client, "Nord")
    assert slugs[0] == "departement-59"
    levels = [slug.split("-")[0] for slug in slugs]
    # After the whole name, the higher levels; communes (Nordhouse…) come last.
    assert levels[1:] == sorted(levels[1:], key=["region", "departement", "epci", "commune"].index)
    assert "commune-67336" in slugs  # Nordhouse


def test_territory_autocomplete_whole_name_then_population(client, curator):
    slugs = territory_slugs(client, "saint-denis")
    # Four communes are called exactly Saint-Denis: the most populous first.
    assert slugs[:4] == ["commune-97411", "commune-93066", "commune-11339", "commune-30247"]
    assert territory_slugs(client, "Paris")[:2] == ["departement-75", "commune-75056"]
    assert territory_slugs(client, "lille")[0] == "commune-59350"
    assert territory_slugs(client, "59350") == ["commune-59350"]


def test_territory_parent_autocomplete_uses_the_same_ranking(client, curator):
    client.force_login(CuratorFactory(is_superuser=True))
    results = autocomplete(client, PARENT_TERRITORY, "ile-de-france")["results"]
    assert results[0]["text"] == "Île-de-France"


def test_actor_autocomplete_ignores_accents_whole_name_then_beginning(client, curator):
    for name in ("Atelier de l'école", "École ouverte", "Écolo", "école", "Zèbre"):
        ActorFactory(name=name)
    assert texts(client, ACTOR, "ECOLE") == ["école", "École ouverte", "Atelier de l'école"]
    assert texts(client, ACTOR, "ouverte ecole") == ["École ouverte"]


@pytest.mark.parametrize("field", [TERRITORY, DOMAIN, OBJECTIVE, ACTOR, EXAMPLE, PARENT_TERRITORY])
def test_autocomplete_with_a_nul_byte_is_refused_in_french(client, field):
    client.force_login(CuratorFactory(is_superuser=True))
    app_label, model_name, field_name = field
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "a\x00b",
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
        },
    )
    assert response.status_code == 400
    assert "caractère de contrôle" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalogue/domain/",
        "/admin/catalogue/example/",
        "/admin/territoires/territory/",
    ],
)
def test_change_list_search_with_a_nul_byte_is_refused_in_french(client, path):
    client.force_login(CuratorFactory(is_superuser=True))
    response = client.get(path, {"q": "\x00"})
    assert response.status_code == 400
    assert "caractère de contrôle" in response.content.decode()


def test_change_list_search_ignores_accents(client, curator):
    response = client.get("/admin/catalogue/domain/", {"q": "sante"})
    assert [domain.name for domain in response.context["cl"].result_list] == ["Santé", "Sport"]
    response = client.get("/admin/catalogue/partnershiptype/", {"q": "mecenat"})
    assert [t.name for t in response.context["cl"].result_list] == ["Mécénat"]
