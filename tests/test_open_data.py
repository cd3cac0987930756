"""Feeds, the full dump and /donnees/, the embeddable list, sitemap.xml, robots.txt and the
sharing tags: each from the list's own FilterSet, public data only."""

import csv
import io
import json
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import QueryDict

from catalogue.choices import ActorType, ExampleStatus
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Actor, Domain, Example, Partnership
from opendata import dumps
from territoires.models import Territory

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalogue():
    association = ActorFactory(name="Les Petits Débrouillards du Nord")
    company = ActorFactory(name="Boulangerie Coopérative", actor_type=ActorType.ENTREPRISE)
    secret = ActorFactory(name="Partenaire des seuls brouillons")
    places = ["commune-59350", "commune-59512", "commune-75056", "epci-200093201"]
    for number in range(8):
        ExampleFactory(
            title=f"Alliance numéro {number}",
            territory=Territory.objects.get(slug=places[number % 4]),
            partners=[association, company] if number % 2 else [association],
            domains=["alimentation"],
            odd=[4] if number % 3 else [4, 17],
            start_year=2023 - number,
        )
    ExampleFactory(
        title="Brouillon secret",
        status=ExampleStatus.BROUILLON,
        partners=[secret],
        odd=[4],
        territory=Territory.objects.get(slug="commune-13055"),
    )
    return {"association": association, "secret": secret}


class Head(HTMLParser):
    """The <link>, <meta> and <script> elements of a page, with the scripts' text."""

    def __init__(self, content):
        super().__init__()
        self.elements, self.open_script = [], None
        self.feed(content.decode())

    def handle_starttag(self, tag, attrs):
        if tag in ("link", "meta", "script"):
            self.elements.append({"tag": tag, **dict(attrs), "text": ""})
            self.open_script = self.elements[-1] if tag == "script" else None

    def handle_data(self, data):
        if self.open_script is not None:
            self.open_script["text"] += data

    def handle_endtag(self, tag):
        self.open_script = None

    def values(self, tag, key, value, attribute):
        return [e.get(attribute) for e in self.elements if e["tag"] == tag and e.get(key) == value]


# --- feeds ---------------------------------------------------------------------------------


def feed_slugs(response):
    entries = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
    return [e.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[-1] for e in entries]


@pytest.mark.parametrize("query", ["", "territoire=region-32&odd=4", "odd=17", "q=alliance"])
def test_feed_holds_the_newest_examples_of_the_list(client, catalogue, settings, query):
    settings.FEED_SIZE = 3
    listed = ExampleFilterSet(QueryDict(query)).qs
    newest = sorted(listed, key=lambda example: example.created_at, reverse=True)[:3]
    response = client.get(f"/exemples/flux.atom?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed_slugs(response) == [example.slug for example in newest]
    assert "brouillon-secret" not in response.content.decode()


def test_feed_refuses_bad_parameters_as_the_api_does(client, catalogue):
    response = client.get("/exemples/flux.atom?territoire=nulle-part&odd=99")
    assert response.status_code == 400
    assert response.json() == client.get("/api/v1/exemples/?territoire=nulle-part&odd=99").json()
    assert response.json()["territoire"] == ["Territoire inconnu : « nulle-part »."]


def test_list_page_links_its_feed_and_embed_snippet(client, catalogue):
    page = client.get("/exemples/?odd=4&territoire=region-32").content.decode()
    alternate = (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Derniers exemples de cette liste (Atom)" '
        'href="/exemples/flux.atom?odd=4&amp;territoire=region-32">'
    )
    assert alternate in page
    assert 'href="/exemples/flux.atom?odd=4&amp;territoire=region-32">Flux Atom' in page
    assert "&lt;iframe src=&quot;http://testserver/integrer/?odd=4&amp;territoire=region-32" in (
        page.replace('"', "&quot;")
    )


# --- the full dump -----------------------------------------------------------------------


def parse(value, kind):
    """A CSV cell read as its Frictionless field type (ValueError when it is not one)."""
    if value == "":
        return None
    return {
        "integer": int,
        "string": str,
        "date": date.fromisoformat,
        "datetime": lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ"),
    }[kind](value)


@pytest.fixture
def dump(catalogue, settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path
    call_command("export_open_data", stdout=io.StringIO())
    archive = zipfile.ZipFile(tmp_path / dumps.ARCHIVE_NAME)
    yield archive
    archive.close()


def read_tables(archive, package):
    tables = {}
    for resource in package["resources"]:
        if resource.get("profile") == "tabular-data-resource":
            text = archive.read(resource["path"]).decode("utf-8")
            tables[resource["name"]] = list(csv.reader(io.StringIO(text)))
    return tables


def test_dump_tables_validate_against_their_datapackage(dump, settings):
    """What a Frictionless validation checks, written here: each CSV's header is its schema's
    fields in order, every cell parses as its field's type, primary keys are unique and every
    foreign key finds its row."""
    package = json.loads(dump.read(dumps.DESCRIPTOR_NAME))
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["title"] == settings.DATA_LICENCE
    assert package["sources"]
    tables = read_tables(dump, package)
    schemas = {r["name"]: r["schema"] for r in package["resources"] if r["name"] in tables}
    assert set(tables) == {table.name for table in dumps.TABLES}
    typed = {}
    for name, (header, *rows) in tables.items():
        fields = schemas[name]["fields"]
        assert header == [field["name"] for field in fields], name
        typed[name] = [
            {f["name"]: parse(value, f["type"]) for f, value in zip(fields, row, strict=True)}
            for row in rows
        ]
        keys = [tuple(row[k] for k in schemas[name]["primaryKey"]) for row in typed[name]]
        assert len(keys) == len(set(keys)), name
    for name, schema in schemas.items():
        for foreign in schema["foreignKeys"]:
            target = foreign["reference"]["resource"] or name
            known = {row[foreign["reference"]["fields"]] for row in typed[target]}
            values = {row[foreign["fields"]] for row in typed[name]} - {None}
            assert values <= known, (name, foreign)


def test_dump_loads_back_into_the_published_counts(dump):
    package = json.loads(dump.read(dumps.DESCRIPTOR_NAME))
    tables = read_tables(dump, package)
    published = Example.objects.published()
    expected = {
        "exemples": published.count(),
        "acteurs": Actor.objects.public().count(),
        "partenariats": Partnership.objects.filter(example__in=published).count(),
        "domaines": Domain.objects.count(),
        "exemples_domaines": Example.domains.through.objects.filter(example__in=published).count(),
        "exemples_objectifs": Example.objectives.through.objects.filter(
            example__in=published
        ).count(),
    }
    for name, count in expected.items():
        assert len(tables[name]) - 1 == count, name
    stats = {r["name"]: r["stats"]["rows"] for r in package["resources"] if "stats" in r}
    assert all(stats[name] == len(rows) - 1 for name, rows in tables.items())
    examples = json.loads(dump.read(dumps.JSON_NAME))
    assert sorted(e["slug"] for e in examples) == sorted(published.values_list("slug", flat=True))
    everything = b"".join(dump.read(name) for name in dump.namelist()).decode()
    assert "Brouillon secret" not in everything
    assert "Partenaire des seuls brouillons" not in everything
    # Marseille holds only the draft: not among the territories.
    assert {row[1] for row in tables["territoires"][1:]} == {
        "pays-fr",
        "region-32",
        "departement-59",
        "commune-59350",
        "commune-59512",
        "epci-200093201",
        "region-11",
        "departement-75",
        "commune-75056",
    }


def test_data_page_explains_the_licence_and_serves_the_latest_dump(client, dump, settings):
    settings.DATA_LICENCE = "Licence Ouverte / Open Licence 2.0"
    page = client.get("/donnees/").content.decode()
    assert "Licence Ouverte / Open Licence 2.0" in page
    for link in ("/api/v1/documentation/", "/exemples/flux.atom", "/integrer/"):
        assert link in page
    assert f'href="/donnees/{dumps.ARCHIVE_NAME}"' in page
    response = client.get(f"/donnees/{dumps.ARCHIVE_NAME}")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        == (settings.OPEN_DATA_DIR / dumps.ARCHIVE_NAME).read_bytes()
    )


def test_data_page_without_a_dump_says_so(client, settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path
    assert "pas encore été produite" in client.get("/donnees/").content.decode()
    assert client.get(f"/donnees/{dumps.ARCHIVE_NAME}").status_code == 404


# --- the embeddable list -------------------------------------------------------------------


@pytest.fixture(params=[0, 300], ids=["sans-cache", "avec-cache"])
def page_cache(request, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = request.param
    cache.clear()
    yield
    cache.clear()


def test_only_the_embed_page_may_be_framed(client, catalogue, page_cache):
    for _ in range(2):  # the second answer comes from the page cache when it is on
        embed = client.get("/integrer/?odd=4")
        assert embed.status_code == 200
        assert "X-Frame-Options" not in embed
        assert "frame-ancestors *" in embed["Content-Security-Policy"]
        for path in ("/exemples/?odd=4", "/", "/donnees/", "/api/v1/exemples/"):
            response = client.get(path)
            assert response["X-Frame-Options"] == "DENY", path
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path


def test_embed_lists_the_first_examples_of_the_list_without_the_site_chrome(
    client, catalogue, settings
):
    settings.EMBED_SIZE = 2
    page = client.get("/integrer/?territoire=region-32&tri=titre")
    shown = [example.slug for example in page.context["examples"]]
    listed = client.get("/exemples/?territoire=region-32&tri=titre").context["examples"]
    assert shown == [example.slug for example in listed][:2]
    content = page.content.decode()
    assert "site-header" not in content and "site-footer" not in content
    assert "Voir les 6 exemples sur Impact Alliances" in content
    refused = client.get("/integrer/?odd=99")
    assert refused.status_code == 400
    assert "99 n’en fait pas partie" in refused.content.decode()


# --- search engines and sharing ------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_exports(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /exemples/export." in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def sitemap_locations(client, path, **headers):
    tree = ElementTree.fromstring(client.get(path, **headers).content)
    return [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def test_sitemap_lists_public_pages_only(client, catalogue):
    sections = sitemap_locations(client, "/sitemap.xml")
    assert "http://testserver/sitemap-exemples.xml" in sections
    locations = {loc for section in sections for loc in sitemap_locations(client, section)}
    published = Example.objects.published()
    assert {f"http://testserver{e.get_absolute_url()}" for e in published} <= locations
    assert "http://testserver/exemples/brouillon-secret/" not in locations
    association = catalogue["association"].get_absolute_url()
    assert f"http://testserver{association}" in locations
    assert f"http://testserver{catalogue['secret'].get_absolute_url()}" not in locations
    assert "http://testserver/territoires/region-32/" in locations
    assert "http://testserver/territoires/commune-13055/" not in locations  # only a draft
    assert "http://testserver/donnees/" in locations
    # The Fiches Repères of France, of types and domains, and of places that have examples.
    assert {
        "http://testserver/reperes/", "http://testserver/reperes/type-acteur/entreprise/",
        "http://testserver/reperes/domaine/alimentation/", "http://testserver/reperes/region-32/",
        "http://testserver/reperes/departement-59/", "http://testserver/reperes/epci-200093201/",
    } <= locations  # fmt: skip
    assert "http://testserver/reperes/region-93/" not in locations  # only a draft there
    assert not any(loc.startswith("http://testserver/reperes/commune-") for loc in locations)


def test_sitemap_addresses_come_from_site_url_not_the_request(client, catalogue, settings):
    # Behind the proxy, one client's X-Forwarded-Proto must not switch the cached sitemap.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    sections = sitemap_locations(client, "/sitemap.xml", HTTP_X_FORWARDED_PROTO="https")
    assert "http://testserver/sitemap-exemples.xml" in sections
    assert all(section.startswith("http://testserver/") for section in sections)
    settings.SITE_URL = "https://alliances.example.org"
    cache.clear()
    sections = sitemap_locations(client, "/sitemap.xml", HTTP_X_FORWARDED_PROTO="http")
    assert "https://alliances.example.org/sitemap-exemples.xml" in sections
    for section in ("/sitemap-exemples.xml", "/sitemap-pages.xml"):
        locations = sitemap_locations(client, section, HTTP_X_FORWARDED_PROTO="http")
        assert locations
        assert all(loc.startswith("https://alliances.example.org/") for loc in locations)


def test_example_page_has_share_tags_and_schema_org_json_ld(client, catalogue):
    example = Example.objects.published().filter(title="Alliance numéro 1").get()
    response = client.get(example.get_absolute_url())
    head = Head(response.content)
    url = f"http://testserver{example.get_absolute_url()}"
    assert head.values("link", "rel", "canonical", "href") == [url]
    assert head.values("meta", "property", "og:title", "content") == [example.title]
    assert head.values("meta", "property", "og:url", "content") == [url]
    assert head.values("meta", "name", "twitter:card", "content") == ["summary"]
    (block,) = head.values("script", "type", "application/ld+json", "text")
    data = json.loads(block)
    assert data["@type"] == "CreativeWork"
    assert data["name"] == example.title
    assert data["spatialCoverage"]["name"] == example.territory.name
    partners = [p.actor.name for p in example.partnerships.all()]
    assert [c["name"] for c in data["contributor"]] == partners
    # The policy and the page agree: the only inline <script> is the JSON-LD data block,
    # which browsers never run and CSP does not govern; executable scripts stay 'self'.
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "default-src 'self'" in policy
    scripts = [e for e in head.elements if e["tag"] == "script"]
    assert [e for e in scripts if "src" not in e and e.get("type") != "application/ld+json"] == []


@pytest.mark.parametrize("kind", ["actor", "territory"])
def test_actor_and_territory_pages_have_share_tags(client, catalogue, kind):
    path = (
        catalogue["association"].get_absolute_url()
        if kind == "actor"
        else "/territoires/region-32/"
    )
    head = Head(client.get(path).content)
    assert head.values("link", "rel", "canonical", "href") == [f"http://testserver{path}"]
    assert head.values("meta", "property", "og:title", "content")[0]
    assert head.values("meta", "name", "twitter:card", "content") == ["summary"]
