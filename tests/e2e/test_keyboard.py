"""A visitor who uses only the keyboard finds an example and opens it."""

import re

import pytest

from tests.factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.e2e


def tab_to(page, locator, *, limit=60):
    """Press Tab until `locator` has the focus; fail if it never gets it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{locator} n'a pas reçu le focus après {limit} tabulations")


def open_the_only_result(page, example):
    """From a list of one result: skip the filters with the link made for that, Tab to the
    result, Enter, and the example's page opens."""
    tab_to(page, page.get_by_role("link", name="Aller aux résultats (1)"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=example.title), limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{example.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == example.title


def test_keyboard_user_searches_and_opens_an_example(page, alliance):
    page.goto("/")

    search = page.get_by_role("combobox", name="Rechercher un exemple")
    tab_to(page, search)
    page.keyboard.type("ecole")
    page.keyboard.press("Enter")
    page.wait_for_url("**/exemples/?q=ecole")

    open_the_only_result(page, alliance)
    assert page.get_by_role("link", name="Les Petits Débrouillards Hauts-de-France").is_visible()


def test_keyboard_user_filters_by_actor_type_and_opens_an_example(page, alliance):
    ExampleFactory(title="Jardin partagé des Bois-Blancs", partners=[ActorFactory()])
    page.goto("/exemples/")
    assert page.get_by_role("heading", name="2 exemples").is_visible()

    # Space ticks the box, and the list applies it at once: the page reloads filtered.
    company = page.get_by_role("checkbox", name=re.compile("^Entreprise"))
    tab_to(page, company)
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"[?&]type_acteur=entreprise(&|$)"))
    assert page.get_by_role("checkbox", name=re.compile("^Entreprise")).is_checked()
    assert page.get_by_role("heading", name="1 exemple").is_visible()

    open_the_only_result(page, alliance)


def test_first_tab_shows_the_skip_link_which_leads_to_the_content(page, alliance):
    page.goto(alliance.get_absolute_url())

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    assert skip_link.evaluate("element => element === document.activeElement")
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "lien d'évitement hors écran"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")
    # The next stop is inside the page content, past the header and its navigation.
    assert page.evaluate("document.activeElement.closest('main') !== null")
