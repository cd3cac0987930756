"""Suggestions as you type (the combobox of static/js/suggest.js), filters that apply without
the button, and the list's search box on a phone."""

import re

import pytest
from playwright.sync_api import expect

from .browser import PHONE
from .test_accessibility import blocking_violations
from .test_keyboard import tab_to

pytestmark = pytest.mark.e2e


def type_in_the_search_box(page, text):
    """Keyboard only: Tab to the list's search box and type."""
    search = page.get_by_role("combobox", name="Mots-clés")
    tab_to(page, search)
    page.keyboard.type(text)
    return search


def test_typing_lil_suggests_lille_and_enter_applies_its_filter(page, alliance):
    page.goto("/exemples/")
    search = type_in_the_search_box(page, "lil")

    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(search).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    lille = listbox.get_by_role("option", name=re.compile(r"^Lille Commune, Nord \(59\)"))
    expect(lille).to_contain_text("1 exemple")
    expect(page.get_by_role("status").filter(has_text="suggestion")).to_have_text(
        re.compile(r"^\d+ suggestions? ; flèche bas pour les parcourir$")
    )
    assert blocking_violations(page) == []

    page.keyboard.press("ArrowDown")
    expect(lille).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", lille.get_attribute("id"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/exemples/\?territoire=commune-59350$"))
    expect(page.get_by_role("heading", name="1 exemple")).to_be_visible()
    expect(page.locator(".active-filters .chip", has_text="Lille")).to_be_visible()


def test_escape_closes_the_suggestions_and_enter_then_searches_the_words(page, alliance):
    page.goto("/exemples/")
    search = type_in_the_search_box(page, "ecol")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox.get_by_role("option", name=re.compile("^École du numérique"))).to_be_visible()

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(search).to_have_attribute("aria-expanded", "false")
    assert search.get_attribute("aria-activedescendant") is None
    # Nothing highlighted: Enter sends the words, as without JavaScript.
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/exemples/\?q=ecol"))


def test_the_home_page_search_box_suggests_too(page, alliance):
    page.goto("/")
    search = page.get_by_role("combobox", name="Rechercher un exemple")
    tab_to(page, search)
    page.keyboard.type("numer")
    option = page.get_by_role("option", name=re.compile("^Numérique Solidaire SA"))
    expect(option).to_be_visible()
    for _ in range(10):  # down to the actor, through the themes before it
        page.keyboard.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/acteurs/numerique-solidaire-sa/")


def test_on_a_phone_the_search_box_shows_without_opening_the_filters(page, alliance):
    page.set_viewport_size(PHONE)
    page.goto("/exemples/")
    expect(page.get_by_label("Mots-clés")).to_be_visible()
    expect(page.get_by_label("Territoire")).to_be_hidden()  # the filters stay folded
    page.get_by_label("Mots-clés").fill("ecole")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/exemples/\?q=ecole"))
    expect(page.get_by_role("heading", name="1 exemple")).to_be_visible()


def test_choosing_a_territory_applies_it_at_once(page, alliance):
    page.goto("/exemples/")
    page.get_by_label("Territoire").select_option("departement-59")
    page.wait_for_url(re.compile(r"/exemples/\?territoire=departement-59$"))
    expect(page.get_by_role("heading", name="1 exemple")).to_be_visible()


def test_arrow_keys_in_a_select_wait_for_enter(page, alliance):
    page.goto("/exemples/")
    select = page.get_by_label("Territoire")
    tab_to(page, select)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.url.endswith("/exemples/"), "la page s'est rechargée à chaque flèche"
    chosen = select.input_value()
    assert chosen
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"territoire={chosen}$"))


def test_the_apply_button_stays_in_reach_at_the_bottom_of_the_panel(page, alliance):
    page.goto("/exemples/")
    button = page.get_by_role("button", name="Appliquer les filtres")
    box = button.bounding_box()
    viewport = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
