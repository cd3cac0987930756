"""A partner's site (another origin: a page served on another port) frames /integrer/; the
site's other pages refuse to be framed there."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def partner_site(live_server):
    """http://127.0.0.1:<another port>/ : a page with two frames of the live server."""
    page = (
        "<!doctype html><html lang='fr'><title>Réseau partenaire</title>"
        f"<iframe name='integree' src='{live_server.url}/integrer/?odd=4'></iframe>"
        f"<iframe name='liste' src='{live_server.url}/exemples/?odd=4'></iframe></html>"
    ).encode()

    class Partner(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_embed_renders_in_another_sites_frame_and_other_pages_refuse(
    page, alliance, partner_site, live_server
):
    assert not partner_site.startswith(live_server.url)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(partner_site)
    embedded = page.frame_locator("iframe[name=integree]")
    expect(embedded.locator(".card-title")).to_have_text(alliance.title)
    expect(embedded.locator(".site-header")).to_have_count(0)
    # The embed's links open the site in a new tab, not inside the partner's frame.
    assert embedded.locator("base").get_attribute("target") == "_blank"
    refused = page.frame(name="liste")
    assert not refused.url.startswith(live_server.url)  # Chromium's error page instead
    listing = page.frame_locator("iframe[name=liste]").locator("h1", has_text="Exemples")
    expect(listing).to_have_count(0)
    assert any("frame-ancestors 'none'" in text for text in console), console


def test_example_page_json_ld_runs_under_the_policy(page, alliance):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(alliance.get_absolute_url())
    block = page.locator('script[type="application/ld+json"]').text_content()
    assert alliance.title in block
    assert violations == []


def test_api_documentation_runs_under_the_policy(page, reference_data):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto("/api/v1/documentation/")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/exemples/").first
    ).to_be_visible()
    assert violations == []
