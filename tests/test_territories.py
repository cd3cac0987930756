import pytest

from catalogue.models import Example
from territoires.models import (
    Territory,
    TerritoryLevel,
    ancestor_slugs,
    below_paths,
    path_slugs,
    slug_at,
    slug_at_sql,
)

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db


def test_commune_is_below_its_departement_and_region(lille):
    nord = Territory.objects.get(slug="departement-59")
    hauts_de_france = Territory.objects.get(slug="region-32")
    assert lille.parent == nord
    assert nord.parent == hauts_de_france
    assert nord.descendants().filter(pk=lille.pk).exists()
    assert hauts_de_france.descendants().filter(pk=lille.pk).exists()
    assert not Territory.objects.get(slug="region-11").descendants().filter(pk=lille.pk).exists()


def test_ancestors_run_from_country_to_parent(lille):
    assert [t.slug for t in lille.ancestors()] == ["pays-fr", "region-32", "departement-59"]


def test_epci_reaches_its_member_communes(lille):
    metropole = Territory.objects.get(slug="epci-200093201")  # Métropole Européenne de Lille
    members = metropole.descendants()
    assert members.filter(pk=lille.pk).exists()
    assert members.filter(slug="commune-59512").exists()  # Roubaix
    assert not members.filter(slug="commune-62041").exists()  # Arras
    assert members.filter(level="commune").count() > 90


def test_epci_sits_below_its_departement():
    metropole = Territory.objects.get(slug="epci-200093201")
    assert (
        Territory.objects.get(slug="departement-59").descendants().filter(pk=metropole.pk).exists()
    )


def test_corsica_slugs_are_lower_case():
    assert Territory.objects.get(slug="departement-2a").name == "Corse-du-Sud"


def test_region_includes_examples_located_in_its_communes_and_epci(lille, hauts_de_france):
    in_lille = ExampleFactory(territory=lille)
    in_metropole = ExampleFactory(territory=Territory.objects.get(slug="epci-200093201"))
    in_paris = ExampleFactory(territory=Territory.objects.get(slug="commune-75056"))
    found = set(Example.objects.in_territory(hauts_de_france))
    assert {in_lille, in_metropole} <= found
    assert in_paris not in found


def test_epci_includes_examples_of_its_member_communes(lille):
    in_lille = ExampleFactory(territory=lille)
    in_arras = ExampleFactory(territory=Territory.objects.get(slug="commune-62041"))
    found = set(Example.objects.in_territory(Territory.objects.get(slug="epci-200093201")))
    assert in_lille in found
    assert in_arras not in found


def test_admin_refuses_to_add_change_or_delete_territories(client, lille):
    """Territories are INSEE's: a territory added or renamed here would lack its path and
    folded name. Even a superuser only reads them."""
    from .factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    url = f"/admin/territoires/territory/{lille.pk}/"
    assert client.get("/admin/territoires/territory/add/").status_code == 403
    assert client.post("/admin/territoires/territory/add/", {"name": "X"}).status_code == 403
    page = client.get(f"{url}change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    changed = client.post(f"{url}change/", {"name": "Lille-Renommée", "level": "commune"})
    assert changed.status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    lille.refresh_from_db()
    assert lille.name == "Lille" and lille.path.endswith("/commune-59350/")
    assert client.get("/admin/territoires/territory/", {"q": "lille"}).status_code == 200


def test_territoires_imports_nothing_from_the_catalogue():
    """The reference app stands alone: the catalogue builds on it, never the reverse."""
    import ast
    from pathlib import Path

    import territoires

    imported = set()
    for path in Path(territoires.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add((path.name, node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                imported |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
    assert {module for _name, module in imported} & {"catalogue"} == set()
    assert ("models.py", "french") in imported  # its text helpers come from the neutral package


def test_slug_at_finds_the_region_and_departement_of_every_territory():
    """The fixed offsets of `slug_at` (the facets group by them in SQL) hold for every path."""
    levels = {t.pk: (t.level, t.slug) for t in Territory.objects.only("level", "slug")}
    parents = dict(Territory.objects.values_list("pk", "parent"))
    annotated = Territory.objects.annotate(
        region=slug_at_sql("path", TerritoryLevel.REGION),
        departement=slug_at_sql("path", TerritoryLevel.DEPARTEMENT),
    )
    for pk, path, region, departement in annotated.values_list(
        "pk", "path", "region", "departement"
    ):
        found, above = {}, pk
        while above is not None:
            level, slug = levels[above]
            found[level] = slug
            above = parents[above]
        assert slug_at(path, TerritoryLevel.REGION) == region == found.get("region", "")
        assert slug_at(path, TerritoryLevel.DEPARTEMENT) == departement
        assert departement == found.get("departement", "")


def test_below_paths_covers_several_territories_and_their_descendants(lille):
    nord, paris = Territory.objects.filter(slug__in=["departement-59", "commune-75056"])
    below = Territory.objects.filter(below_paths([nord, paris]))
    assert below.filter(pk=lille.pk).exists()
    assert below.filter(pk=nord.pk).exists() and below.filter(pk=paris.pk).exists()
    assert not below.filter(slug="departement-62").exists()
    in_lille = ExampleFactory(territory=lille)
    assert set(Example.objects.filter(below_paths([nord], through="territory"))) == {in_lille}


def test_ancestor_slugs_run_from_the_pays_to_the_parent(lille):
    assert ancestor_slugs(lille.path) == ["pays-fr", "region-32", "departement-59"]
    assert path_slugs(lille.path) == [*ancestor_slugs(lille.path), lille.slug]
