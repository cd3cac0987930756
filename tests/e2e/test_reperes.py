"""Fiches Repères in the browser: a keyboard user goes from the home page map to a
département's fiche, then from a bar of its chart to the list it counts; axe finds no
serious violation on the fiches, which reflow at 320 CSS pixels."""

import re

import pytest

from .test_accessibility import blocking_violations, open_page, overflowing_elements
from .test_keyboard import tab_to

pytestmark = pytest.mark.e2e


def test_keyboard_user_goes_from_the_map_to_a_fiche_and_to_the_list_of_a_bar(page, alliance):
    page.goto("/")
    nord = page.locator('a.map-area[data-code="59"]')
    tab_to(page, nord, limit=80)
    # Focusing a département names it and gives its count.
    assert page.locator("#carte-survol").inner_text() == "Nord (59) : 1 exemple"
    page.keyboard.press("Enter")
    page.wait_for_url("**/reperes/departement-59/")
    assert page.get_by_role("heading", level=1).inner_text() == "Nord"

    bar = page.locator("#graphique-odd ~ table a.bar-link").nth(3)  # ODD 4
    assert "ODD 4" in bar.inner_text()
    figure = int(bar.get_attribute("data-count"))
    assert figure == 1
    tab_to(page, bar, limit=120)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/exemples/\?territoire=departement-59&odd=4$"))
    total = page.locator("#titre-resultats").inner_text()
    assert total == f"{figure} exemple"
    assert page.get_by_role("link", name=alliance.title).is_visible()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/reperes/", id="france"),
        pytest.param("/reperes/region-32/", id="region"),
        pytest.param("/reperes/domaine/numerique/", id="domaine"),
    ],
)
def test_fiche_has_no_serious_accessibility_violation_and_reflows(page, alliance, path):
    open_page(page, path)
    assert page.locator("a.map-area").count() >= 1
    # The published example counts, the draft does not.
    assert page.locator("dl.figures a").first.inner_text() == "1"
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []
