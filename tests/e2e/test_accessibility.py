"""axe-core finds no serious or critical WCAG 2.1 AA violation on the main pages, and the
public pages reflow at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10)."""

import pytest

pytestmark = pytest.mark.e2e

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def blocking_violations(page):
    """The serious and critical WCAG 2.1 AA violations on the page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}) : {violation['help']} — "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def overflowing_elements(page):
    """At 320 CSS pixels wide (a 1280 px screen zoomed to 400 %), what sticks out sideways;
    a wide data table may scroll inside its own focusable region (.table-scroll: WCAG 1.4.10
    exempts two-dimensional tables), which must itself fit."""
    page.set_viewport_size({"width": 320, "height": 640})
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(element => !element.parentElement.closest(".table-scroll"))
            .filter(element => element.getBoundingClientRect().right > innerWidth + 1)
            .map(element => element.outerHTML.slice(0, 80))"""
    )


def open_page(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path} répond {response.status}"
    return page


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/", id="accueil"),
        pytest.param("/exemples/?q=ecole", id="liste-filtree"),
        pytest.param("/territoires/region-32/", id="territoire"),
    ],
)
def test_public_page_has_no_serious_accessibility_violation(page, alliance, path):
    open_page(page, path)
    # Checked with content: the published example is listed, the draft is not.
    assert page.get_by_role("link", name=alliance.title).is_visible()
    assert page.get_by_text("Atelier de l'école en brouillon").count() == 0
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []


@pytest.mark.parametrize(
    "path",
    ["/a-propos/", "/mentions-legales/", "/accessibilite/", "/contact/", "/domaines/", "/odd/"],
)
def test_owed_and_index_pages_have_no_serious_accessibility_violation(
    page, alliance, site_pages, path
):
    open_page(page, path)
    assert page.get_by_role("heading", level=1).is_visible()
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []


def test_proposal_form_has_no_serious_accessibility_violation_even_with_errors(page, alliance):
    open_page(page, "/proposer/")
    assert blocking_violations(page) == []
    page.get_by_label("Commune ou territoire de l'alliance").fill("lille")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("button", name="Envoyer la proposition").click()
    assert page.get_by_role("alert").is_visible()
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []


def test_example_page_has_no_serious_accessibility_violation(page, alliance):
    open_page(page, alliance.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == alliance.title
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []


def test_actor_page_has_no_serious_accessibility_violation(page, alliance):
    actor = alliance.partnerships.first().actor
    open_page(page, actor.get_absolute_url())
    assert page.get_by_role("link", name=alliance.title).is_visible()
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []


def search_box(page, label):
    """The search field's box, at desktop width then at 320 px: it must be a text line."""
    field = page.get_by_label(label)
    assert field.is_visible()
    return field.bounding_box()


def test_actor_list_page_has_no_serious_accessibility_violation(page, alliance):
    open_page(page, "/acteurs/?q=solidaire")
    assert page.get_by_role("link", name="Numérique Solidaire SA").is_visible()
    # The name field was drawn as a 220 × 255 px square (a flex basis in a column layout).
    box = search_box(page, "Nom de l'acteur")
    assert box["height"] < 80 and box["width"] > 200, box
    assert page.get_by_label("Nom de l'acteur").input_value() == "solidaire"
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []
    box = search_box(page, "Nom de l'acteur")
    assert box["height"] < 80 and box["width"] > 200, box


def test_admin_login_page_has_no_serious_accessibility_violation(page, reference_data):
    open_page(page, "/admin/login/")
    assert page.get_by_label("Mot de passe").is_visible()
    assert blocking_violations(page) == []


def test_admin_import_page_has_no_serious_accessibility_violation(admin_page):
    response = admin_page.goto("/admin/catalogue/example/import/")
    assert response.status == 200
    assert admin_page.url.endswith("/admin/catalogue/example/import/")
    assert admin_page.locator("input[type=file]").count() == 1
    assert blocking_violations(admin_page) == []


def test_on_a_phone_the_first_result_shows_first_and_the_open_filters_pass_axe(page, alliance):
    from .browser import PHONE

    page.set_viewport_size(PHONE)
    open_page(page, "/exemples/?type_acteur=association")
    first = page.locator(".card").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "premier résultat hors de l'écran"
    toggle = page.get_by_text("Filtrer (1")
    # The search box shows at once; the filters are folded until asked for.
    assert page.get_by_label("Mots-clés").is_visible()
    assert page.get_by_label("Territoire").is_hidden()
    toggle.click()
    assert page.get_by_label("Territoire").is_visible()
    assert blocking_violations(page) == []
    assert overflowing_elements(page) == []


def test_on_a_desktop_the_filters_stand_beside_the_results(page, alliance):
    open_page(page, "/exemples/")
    assert page.get_by_label("Mots-clés").is_visible()
    assert page.get_by_text("Filtrer (0").is_hidden()
