"""Admin change-list filters: a value a filter does not offer is named in a French message
and lists nothing — never a 500, nor an empty list in silence, nor Django's bare "?e=1"."""

import html

import pytest

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def examples():
    return [
        ExampleFactory(odd=[4], partners=[ActorFactory(actor_type="entreprise")]),
        ExampleFactory(odd=[13], domains=["sante"]),
    ]


UNKNOWN_VALUES = [
    ("/admin/catalogue/example/?odd=abc", "ODD", "abc"),
    ("/admin/catalogue/example/?odd=99", "ODD", "99"),
    ("/admin/catalogue/example/?region=region-99", "région", "region-99"),
    ("/admin/catalogue/example/?region=bretagne", "région", "bretagne"),
    ("/admin/catalogue/example/?type_acteur=nope", "type d'acteur partenaire", "nope"),
    ("/admin/catalogue/example/?a_reverifier=peut-etre", "à revérifier", "peut-etre"),
    ("/admin/catalogue/example/?status__exact=efface", "statut", "efface"),
    ("/admin/catalogue/example/?scale__exact=galactique", "échelle", "galactique"),
    ("/admin/catalogue/example/?domains__id__exact=abc", "domaines", "abc"),
    ("/admin/catalogue/example/?domains__id__exact=999999", "domaines", "999999"),
    ("/admin/catalogue/example/?partnership_types__id__exact=x", "types de partenariat", "x"),
    ("/admin/catalogue/actor/?region=nope", "région", "nope"),
    ("/admin/catalogue/actor/?actor_type__exact=nope", "type d'acteur", "nope"),
    ("/admin/catalogue/partnership/?role__exact=chef", "rôle", "chef"),
    ("/admin/catalogue/objective/?family__exact=autre", "famille", "autre"),
]


@pytest.mark.parametrize(
    ("url", "title", "value"), UNKNOWN_VALUES, ids=[u for u, *_ in UNKNOWN_VALUES]
)
def test_unknown_filter_value_is_named_and_lists_nothing(
    client, curator, examples, url, title, value
):
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    content = html.unescape(response.content.decode())
    assert f"Filtre « {title} » : la valeur « {value} » n'existe pas." in content


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalogue/example/?region=%00",
        "/admin/catalogue/example/?type_acteur=%00",
        "/admin/catalogue/example/?odd=%00",
    ],
)
def test_control_character_in_a_filter_is_a_french_400(client, curator, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère de contrôle" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 2),
        ("?odd=4", 1),
        ("?region=region-32", 2),
        ("?region=region-11", 0),
        ("?type_acteur=entreprise", 1),
        ("?status__exact=publie", 2),
        ("?a_reverifier=oui", 2),
    ],
)
def test_known_filter_values_still_filter_without_message(client, curator, examples, query, count):
    response = client.get(f"/admin/catalogue/example/{query}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
    assert "n'existe pas" not in html.unescape(response.content.decode())


def test_domain_filter_by_id_still_filters(client, curator, examples):
    sante = examples[1].domains.get()
    response = client.get(f"/admin/catalogue/example/?domains__id__exact={sante.pk}")
    assert response.context["cl"].result_count == 1
