"""Under the Content-Security-Policy the pages and the admin still work: no refused script or
style, and the admin's own scripts (autocomplete, actions, inlines) still run."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def record_violations(page):
    """Chromium reports each refused script, style or resource as a console error."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_public_pages_run_under_the_policy(page, alliance):
    violations = record_violations(page)
    for path in ("/", "/exemples/?q=ecole", alliance.get_absolute_url(), "/odd/4/", "/acteurs/"):
        response = page.goto(path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
    # The ODD badge keeps its colour, now from a class of site.css.
    page.goto("/odd/4/")
    expect(page.locator(".odd-number")).to_have_css("background-color", "rgb(197, 25, 45)")
    assert violations == []


def test_admin_scripts_run_under_the_policy(admin_page, alliance):
    page = admin_page
    violations = record_violations(page)
    page.goto("/admin/catalogue/example/")
    # The action bar's script counts the ticked rows.
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("2 sur 2")  # the example and the draft
    page.goto(f"/admin/catalogue/example/{alliance.pk}/change/")
    # The select2 autocomplete of the territory opens and asks the server.
    page.locator("#id_territory + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill("Lil")
    expect(page.locator(".select2-results__option", has_text="Lille").first).to_be_visible()
    page.keyboard.press("Escape")
    for path in (
        "/admin/",
        "/admin/catalogue/example/add/",
        "/admin/catalogue/actor/",
        "/admin/catalogue/example/import/",
        "/admin/catalogue/example/export/",
        f"/admin/catalogue/example/{alliance.pk}/history/",
    ):
        assert page.goto(path).status == 200, path
    assert violations == []
