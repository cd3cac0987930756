"""A visitor walks from France down to a commune by clicking links alone, and from an empty
commune to the examples around it; the finder answers "st denis"."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import TERRITORY_SLUGS, write_territory_slice
from .test_accessibility import blocking_violations

pytestmark = pytest.mark.e2e

ROUBAIX, TOURCOING = "commune-59512", "commune-59599"


@pytest.fixture
def metropole(reference_data, tmp_path):
    """Roubaix and Tourcoing beside Lille in the Métropole Européenne de Lille; examples in
    Lille and Roubaix, none in Tourcoing."""
    from territoires.models import Territory
    from tests.factories import ExampleFactory

    target = write_territory_slice(
        tmp_path / "territoires.csv.gz", TERRITORY_SLUGS | {ROUBAIX, TOURCOING}
    )
    call_command("load_territories", file=target, stdout=io.StringIO())
    return {
        "lille": ExampleFactory(title="Atelier vélo solidaire", domains=["mobilite"]),
        "roubaix": ExampleFactory(
            title="Fabrique textile partagée", territory=Territory.objects.get(slug=ROUBAIX)
        ),
    }


def follow(page, within, name, url):
    """Click the link named `name` in `within` and wait for `url`: the visitor's only way."""
    within.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_url(f"**{url}")


def test_visitor_walks_from_france_to_roubaix_then_from_an_empty_commune_to_examples(
    page, metropole
):
    page.goto("/territoires/pays-fr/")
    regions = page.get_by_role("region", name="Régions")
    expect(regions.get_by_role("listitem").filter(has_text="Hauts-de-France")).to_contain_text(
        "2 exemples publiés"
    )
    follow(page, regions, "Hauts-de-France", "/territoires/region-32/")
    follow(
        page,
        page.get_by_role("region", name="Départements"),
        "Nord (59)",
        "/territoires/departement-59/",
    )
    follow(
        page,
        page.get_by_role("region", name="Intercommunalités"),
        "Métropole Européenne de Lille",
        "/territoires/epci-200093201/",
    )
    communes = page.get_by_role("region", name="Communes ayant des exemples")
    expect(communes.get_by_role("listitem")).to_have_count(2)  # Lille and Roubaix, not Tourcoing
    follow(page, communes, "Roubaix (59)", f"/territoires/{ROUBAIX}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roubaix")
    breadcrumb = page.get_by_role("navigation", name="Fil d'Ariane du territoire")
    expect(breadcrumb.get_by_role("link")).to_have_text(
        ["France", "Hauts-de-France", "Nord", "Métropole Européenne de Lille", "Roubaix"]
    )
    follow(page, page, "Fabrique textile partagée", metropole["roubaix"].get_absolute_url())

    # Tourcoing has no example: its page points to those around it.
    page.goto(f"/territoires/{TOURCOING}/")
    around = page.get_by_role("region", name="Exemples à proximité")
    expect(around).to_contain_text("Aucun exemple n'est encore situé dans ce territoire")
    metropole_link = page.get_by_role("link", name="Métropole Européenne de Lille", exact=True)
    expect(around.get_by_role("listitem").filter(has=metropole_link)).to_contain_text(
        "2 exemples publiés"
    )
    expect(around).to_contain_text("Dans la même intercommunalité : Métropole Européenne de Lille")
    assert blocking_violations(page) == []
    follow(page, around, "Atelier vélo solidaire", metropole["lille"].get_absolute_url())
    # The example page says where its nearby examples are.
    nearby = page.get_by_role("region", name="Exemples proches")
    expect(nearby).to_contain_text("Dans la même intercommunalité : Métropole Européenne de Lille")
    follow(page, nearby, "Fabrique textile partagée", metropole["roubaix"].get_absolute_url())


def test_visitor_finds_a_territory_however_written(page, metropole):
    page.goto("/territoires/")
    page.get_by_label(re.compile("^Nom ou code INSEE")).fill("ROUBAIX")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url(re.compile(r"q=ROUBAIX"))
    expect(page.get_by_role("heading", name=re.compile("^1 territoire pour"))).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Roubaix (59)")).to_contain_text(
        "1 exemple publié"
    )
    assert blocking_violations(page) == []
    page.get_by_role("link", name="page du territoire Roubaix (59)").click()
    page.wait_for_url(f"**/territoires/{ROUBAIX}/")
