"""Nearby examples on an example page ("Exemples proches"): the same commune first, then the
same intercommunality, département, région, preferring at each level a shared domain;
never another région while closer examples exist; drafts never shown."""

import pytest

from catalogue import nearby
from catalogue.choices import ExampleStatus
from territoires.models import Territory

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db

LILLE, ROUBAIX, DUNKERQUE, ARRAS, PARIS = (
    "commune-59350",  # Métropole Européenne de Lille, Nord, Hauts-de-France
    "commune-59512",  # Métropole Européenne de Lille
    "commune-59183",  # Nord, outside the Métropole
    "commune-62041",  # Pas-de-Calais, Hauts-de-France
    "commune-75056",  # Île-de-France
)


def located(slug, **kwargs):
    return ExampleFactory(territory=Territory.objects.get(slug=slug), **kwargs)


def shown(client, example):
    response = client.get(example.get_absolute_url())
    assert response.status_code == 200
    return [(item.example.title, item.where) for item in response.context["nearby_examples"]]


def test_nearby_examples_come_from_the_nearest_level_first(client):
    example = located(LILLE, title="Ici")
    # Created nearest last, so that newer-first alone would get the order wrong.
    located(PARIS, title="Paris")
    located(ARRAS, title="Arras")
    located(DUNKERQUE, title="Dunkerque")
    located(ROUBAIX, title="Roubaix")
    located(LILLE, title="Lille")
    assert shown(client, example) == [
        ("Lille", "Dans la même commune : Lille (59)"),
        ("Roubaix", "Dans la même intercommunalité : Métropole Européenne de Lille"),
        ("Dunkerque", "Dans le même département : Nord (59)"),
        ("Arras", "Dans la même région : Hauts-de-France"),
    ]


def test_nearby_examples_of_a_departement_come_from_the_departement_itself_first(client):
    example = located("departement-59", title="Ici")
    located("departement-59", title="Nord")
    located(DUNKERQUE, title="Dunkerque récent")
    assert shown(client, example) == [
        ("Nord", "Dans le même département : Nord (59)"),
        ("Dunkerque récent", "Dans le même département : Nord (59)"),
    ]


def test_nearby_examples_prefer_a_shared_domain_within_a_level(client):
    example = located(LILLE, title="Ici", domains=["sante", "alimentation"])
    located(ROUBAIX, title="Roubaix santé", domains=["sante"])
    located(ROUBAIX, title="Roubaix culture récent", domains=["culture"])
    located(LILLE, title="Lille culture", domains=["culture"])
    located(LILLE, title="Lille alimentation ancien", domains=["alimentation"])
    located(LILLE, title="Lille sans domaine récent")
    assert [title for title, _where in shown(client, example)] == [
        "Lille alimentation ancien",
        "Lille sans domaine récent",
        "Lille culture",
        "Roubaix santé",
    ]


def test_nearby_examples_never_come_from_another_region_while_closer_ones_exist(client):
    example = located(LILLE, title="Ici", domains=["sante"])
    for index in range(3):
        located(ARRAS, title=f"Arras {index}")
    located(PARIS, title="Paris santé", domains=["sante"])
    located(DUNKERQUE, title="Dunkerque")
    titles = [title for title, _where in shown(client, example)]
    assert "Paris santé" not in titles
    assert titles == ["Dunkerque", "Arras 2", "Arras 1", "Arras 0"]


def test_nearby_examples_elsewhere_in_france_share_a_domain(client):
    example = located(LILLE, title="Ici", domains=["sante"])
    located(ARRAS, title="Arras")
    located(PARIS, title="Paris santé", domains=["sante"])
    located(PARIS, title="Paris culture", domains=["culture"])
    assert shown(client, example) == [
        ("Arras", "Dans la même région : Hauts-de-France"),
        ("Paris santé", "Ailleurs en France, dans un même domaine"),
    ]


def test_nearby_examples_never_show_drafts_or_archives(client):
    example = located(LILLE, title="Ici")
    located(LILLE, title="Brouillon", status=ExampleStatus.BROUILLON)
    located(LILLE, title="Archive", status=ExampleStatus.ARCHIVE)
    located(ROUBAIX, title="Roubaix")
    assert shown(client, example) == [
        ("Roubaix", "Dans la même intercommunalité : Métropole Européenne de Lille")
    ]
    content = client.get(example.get_absolute_url()).content.decode()
    assert "Brouillon" not in content and "Archive" not in content


def test_nearby_examples_look_past_a_batch_of_newer_drafts(client):
    example = located(LILLE, title="Ici")
    older = located(LILLE, title="Publié avant les brouillons")
    # More drafts in Lille than one look-up reads, more recent or entered later.
    draft = ExampleStatus.BROUILLON
    ExampleFactory.create_batch(nearby.BATCH - 15, status=draft, start_year=2021)
    ExampleFactory.create_batch(20, status=draft, start_year=2020)
    assert shown(client, example) == [(older.title, "Dans la même commune : Lille (59)")]


def test_nearby_examples_say_where_they_were_found(client):
    example = located(LILLE, title="Ici")
    located(ROUBAIX, title="Roubaix")
    content = client.get(example.get_absolute_url()).content.decode()
    assert '<h2 id="titre-proches">Exemples proches</h2>' in content
    assert (
        '<li><p class="nearby-where">Dans la même intercommunalité : '
        "Métropole Européenne de Lille</p><article" in content
    )


def test_example_page_breadcrumb_includes_the_intercommunality(client):
    example = located(ROUBAIX, title="Ici")
    trail = [t.slug for t in client.get(example.get_absolute_url()).context["ancestors"]]
    assert trail == ["pays-fr", "region-32", "departement-59", "epci-200093201"]


@pytest.mark.parametrize(
    ("nearest", "queries"),
    [
        # The example and its 4 prefetches, the breadcrumb, one nearby look-up (4 found in
        # the same commune, sharing a domain), the nearby examples with their
        # objectives and partners (2 prefetches).
        (LILLE, 10),
        # Nothing in the commune (2 look-ups), 4 in the intercommunality sharing a domain.
        (ROUBAIX, 12),
        # In the département, not sharing a domain: two look-ups at each of the 3 levels.
        (DUNKERQUE, 15),
    ],
)
def test_example_page_query_count(client, django_assert_num_queries, nearest, queries):
    example = located(LILLE, title="Ici", domains=["sante"])
    for _ in range(4):
        located(nearest, domains=["sante"] if nearest != DUNKERQUE else [])
    with django_assert_num_queries(queries):
        response = client.get(example.get_absolute_url())
    assert len(response.context["nearby_examples"]) == 4
