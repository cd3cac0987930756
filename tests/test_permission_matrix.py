"""Who may do what: every public page and every admin page, list, form, import, export and
action, for the four kinds of visitor, with the exact status each one gets (NetBox style:
the table is the specification; one test per cell).

Public pages show published examples only, whoever asks: a draft or an archived example is
a 404 even for a superuser, and never in a public export.
"""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import TableCell

from catalogue.choices import ExampleStatus
from catalogue.models import Actor, Domain, Example, Objective, Partnership, PartnershipType

from .factories import ActorFactory, CuratorFactory, ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, STAFF, CURATOR, SUPERUSER = USERS = ("anonymous", "staff", "curator", "superuser")
LOGIN = "302 login"  # a redirection to /admin/login/?next=<the page asked for>

# --- Public pages: the same answer for everyone ---------------------------------------------

PUBLIC_PAGES = [
    # name                      url
    ("home",                    "/"),
    ("list",                    "/exemples/"),
    ("list with filters",       "/exemples/?q=alliance&territoire=departement-59&domaine=sante"
                                "&odd=4&type_acteur=association&annee_min=2000&tri=titre"),
    ("example",                 "/exemples/{published}/"),
    ("actor list",              "/acteurs/?q=publique"),
    ("actor",                   "/acteurs/{actor}/"),
    ("territory",               "/territoires/commune-59350/"),
    ("territory finder",        "/territoires/?q=lille"),
    ("domain",                  "/domaines/sante/"),
    ("odd",                     "/odd/4/"),
    ("export csv",              "/exemples/export.csv"),
    ("export xlsx",             "/exemples/export.xlsx"),
    ("export ods",              "/exemples/export.ods"),
    ("healthz",                 "/healthz"),
    ("reperes france",          "/reperes/"),
    ("reperes region",          "/reperes/region-32/"),
    ("reperes actor type",      "/reperes/type-acteur/association/"),
    ("reperes domain",          "/reperes/domaine/sante/"),
    ("domains index",           "/domaines/"),
    ("odd index",               "/odd/"),
    ("api examples",            "/api/v1/exemples/?q=alliance"),
    ("api example",             "/api/v1/exemples/{published}/"),
    ("api actors",              "/api/v1/acteurs/"),
    ("feed",                    "/exemples/flux.atom"),
    ("embed",                   "/integrer/"),
    ("open data",               "/donnees/"),
    ("sitemap",                 "/sitemap.xml"),
    ("robots",                  "/robots.txt"),
    ("propose",                 "/proposer/"),
    ("about",                   "/a-propos/"),
    ("legal",                   "/mentions-legales/"),
    ("accessibility",           "/accessibilite/"),
    ("contact",                 "/contact/"),
]  # fmt: skip

NOT_PUBLIC_PAGES = [
    ("draft example",           "/exemples/{draft}/"),
    ("archived example",        "/exemples/{archived}/"),
    ("actor only in a draft",   "/acteurs/{draft_actor}/"),
    ("unknown example",         "/exemples/nulle-part/"),
]  # fmt: skip

# --- The admin: one row per request, one column per visitor ----------------------------------

ADMIN_MATRIX = [
    # method url                                            anonymous staff curator superuser
    ("GET", "/admin/",                                      LOGIN, 200, 200, 200),
    # change lists
    ("GET", "/admin/catalogue/example/",                    LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/actor/",                      LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/partnership/",                LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/domain/",                     LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/objective/",                  LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/partnershiptype/",            LOGIN, 403, 200, 200),
    ("GET", "/admin/territoires/territory/",                LOGIN, 403, 200, 200),
    ("GET", "/admin/auth/user/",                            LOGIN, 403, 403, 200),
    ("GET", "/admin/auth/group/",                           LOGIN, 403, 403, 200),
    # add forms
    ("GET", "/admin/catalogue/example/add/",                LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/actor/add/",                  LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/partnership/add/",            LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/domain/add/",                 LOGIN, 403, 403, 200),
    ("GET", "/admin/catalogue/objective/add/",              LOGIN, 403, 403, 200),
    ("GET", "/admin/catalogue/partnershiptype/add/",        LOGIN, 403, 403, 200),
    # territories change only through load_reference_data: no one adds one here
    ("GET", "/admin/territoires/territory/add/",            LOGIN, 403, 403, 403),
    ("GET", "/admin/auth/user/add/",                        LOGIN, 403, 403, 200),
    ("GET", "/admin/auth/group/add/",                       LOGIN, 403, 403, 200),
    # change forms (read-only for a curator on reference data), history, deletion
    ("GET", "/admin/catalogue/example/{draft_pk}/change/",  LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/actor/{actor_pk}/change/",    LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/partnership/{partnership_pk}/change/",
                                                            LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/domain/{domain_pk}/change/",  LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/objective/{objective_pk}/change/",
                                                            LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/partnershiptype/{type_pk}/change/",
                                                            LOGIN, 403, 200, 200),
    ("GET", "/admin/territoires/territory/{territory_pk}/change/",
                                                            LOGIN, 403, 200, 200),
    ("GET", "/admin/auth/user/{other_user_pk}/change/",     LOGIN, 403, 403, 200),
    ("GET", "/admin/auth/group/{group_pk}/change/",         LOGIN, 403, 403, 200),
    ("GET", "/admin/catalogue/example/{draft_pk}/history/", LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/example/{draft_pk}/delete/",  LOGIN, 403, 403, 200),
    ("GET", "/admin/catalogue/domain/{domain_pk}/delete/",  LOGIN, 403, 403, 200),
    ("POST", "/admin/catalogue/domain/{domain_pk}/change/", LOGIN, 403, 403, 302),
    # autocomplete (the edit forms' territory field)
    ("GET", "/admin/autocomplete/?app_label=catalogue&model_name=example"
            "&field_name=territory&term=lille",             LOGIN, 403, 200, 200),
    # imports: the page, its template, a preview (which writes nothing)
    ("GET", "/admin/catalogue/example/import/",             LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/actor/import/",               LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/example/import/modele.xlsx",  LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/example/import/format/",      LOGIN, 403, 200, 200),
    # the follow-up of a confirmation in the task worker: none with this id
    ("GET", "/admin/catalogue/example/import/suivi/00000000-0000-4000-8000-000000000000/",
                                                            LOGIN, 403, 404, 404),
    # proposals from the public (the proposers' contacts) and the site's pages
    ("GET", "/admin/contributions/proposal/",               LOGIN, 403, 200, 200),
    ("GET", "/admin/flatpages/flatpage/",                   LOGIN, 403, 200, 200),
    ("POST", "/admin/catalogue/example/import/",            LOGIN, 403, 200, 200),
    ("POST", "/admin/catalogue/actor/import/",              LOGIN, 403, 200, 200),
    # admin exports: the form, then the file
    ("GET", "/admin/catalogue/example/export/",             LOGIN, 403, 200, 200),
    ("GET", "/admin/catalogue/actor/export/",               LOGIN, 403, 200, 200),
    ("POST", "/admin/catalogue/example/export/",            LOGIN, 403, 200, 200),
    ("POST", "/admin/catalogue/actor/export/",              LOGIN, 403, 200, 200),
]  # fmt: skip

# Change-list actions: the status, and who actually changes the catalogue. An action a user
# may not run is not offered: Django answers "no action selected" and redirects (302).
ACTION_MATRIX = [
    # action             anonymous staff curator superuser   changed for
    ("publish",          LOGIN, 403, 302, 302,               {CURATOR, SUPERUSER}),
    ("mark_verified",    LOGIN, 403, 302, 302,               {CURATOR, SUPERUSER}),
    ("delete_selected",  LOGIN, 403, 302, 302,               {SUPERUSER}),
]  # fmt: skip


def cells(matrix):
    return [
        pytest.param(user, method, url, status, id=f"{user}-{method}-{url}")
        for method, url, *statuses in matrix
        for user, status in zip(USERS, statuses, strict=True)
    ]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are logged in with force_login: their passwords need no slow hash here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):
    """A published example with its partner, a draft with an actor of its own, an archive."""
    actor = ActorFactory(name="Association publique")
    published = ExampleFactory(
        title="Alliance publiée", partners=[actor], domains=["sante"], odd=[4]
    )
    draft_actor = ActorFactory(name="Acteur du brouillon secret")
    draft = ExampleFactory(
        title="Brouillon secret", status=ExampleStatus.BROUILLON, partners=[draft_actor],
        domains=["sante"], odd=[4],
    )  # fmt: skip
    archived = ExampleFactory(
        title="Archive secrète", status=ExampleStatus.ARCHIVE, partners=[actor],
        domains=["sante"], odd=[4],
    )  # fmt: skip
    return {
        "published": published.slug,
        "draft": draft.slug,
        "archived": archived.slug,
        "actor": actor.slug,
        "draft_actor": draft_actor.slug,
        "draft_pk": draft.pk,
        "actor_pk": actor.pk,
        "partnership_pk": Partnership.objects.filter(example=published).get().pk,
        "domain_pk": Domain.objects.get(slug="sante").pk,
        "objective_pk": Objective.objects.get(family="odd", number=4).pk,
        "type_pk": PartnershipType.objects.first().pk,
        "territory_pk": published.territory_id,
        "other_user_pk": UserFactory(username="autre-personne").pk,
        "group_pk": Group.objects.get(name="Curateurs").pk,
    }


@pytest.fixture
def log_in(client):
    def log_in(user):
        if user == STAFF:
            client.force_login(UserFactory(username="personnel-sans-droit"))
        elif user == CURATOR:
            client.force_login(CuratorFactory(username="curatrice"))
        elif user == SUPERUSER:
            client.force_login(UserFactory(username="administratrice", is_superuser=True))
        return client

    return log_in


def upload(model):
    """What a browser sends to preview an import: a small valid CSV and the form's fields."""
    if model == "actor":
        content = "Nom;Type d'acteur;Territoire\nCentre social importé;Association;Lille\n"
    else:
        content = "Titre;Territoire;Année de début\nAlliance importée;commune-59350;2021\n"
    data = SimpleUploadedFile(f"{model}s.csv", content.encode())
    return {"import_file": data, "resource": "0", "format": "0"}


def post_data(url, catalogue):
    if url.endswith("/import/"):
        return upload("actor" if "/actor/" in url else "example")
    if url.endswith("/export/"):
        return {"format": "0", "resource": "0"}
    if "/domain/" in url:
        return {"name": "Santé", "slug": "sante", "description": "Soins et prévention."}
    raise AssertionError(f"no data for POST {url}")


def assert_status(response, expected, url):
    if expected == LOGIN:
        assert response.status_code == 302, (response.status_code, url)
        assert response["Location"].startswith("/admin/login/?next=/admin/"), response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, url)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("name", "url"), PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_page_answers_everyone(log_in, catalogue, user, name, url):
    response = log_in(user).get(url.format(**catalogue))
    assert response.status_code == 200


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("name", "url"), NOT_PUBLIC_PAGES, ids=[p[0] for p in NOT_PUBLIC_PAGES])
def test_unpublished_page_is_404_even_for_a_superuser(log_in, catalogue, user, name, url):
    response = log_in(user).get(url.format(**catalogue))
    assert response.status_code == 404


LISTING_PAGES = [url for name, url in PUBLIC_PAGES if not name.startswith(("export", "health"))]
LISTING_PAGES += ["/exemples/?q=brouillon", "/exemples/?q=secret", "/acteurs/?q=brouillon"]


@pytest.mark.parametrize("user", USERS)
def test_public_pages_never_name_a_draft_or_an_archive(log_in, catalogue, user):
    client = log_in(user)
    for url in LISTING_PAGES:
        content = client.get(url.format(**catalogue)).content.decode()
        assert "Brouillon secret" not in content, url
        assert "Archive secrète" not in content, url
        assert "Acteur du brouillon secret" not in content, url
        assert catalogue["draft"] not in content and catalogue["archived"] not in content, url


def export_text(extension, body):
    """Every cell of a public export, as text."""
    if extension == "csv":
        rows = csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
        return [cell for row in rows for cell in row]
    if extension == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        return [str(c.value) for s in workbook for row in s.iter_rows() for c in row]
    document = load_ods(io.BytesIO(body))
    return [teletype.extractText(cell) for cell in document.getElementsByType(TableCell)]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("extension", ["csv", "xlsx", "ods"])
def test_public_exports_never_hold_a_draft_or_an_archive(log_in, catalogue, user, extension):
    client = log_in(user)
    for query in ("", "?q=brouillon", "?q=secret", f"?acteur={catalogue['draft_actor']}"):
        response = client.get(f"/exemples/export.{extension}{query}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code == 400:  # an unknown actor is a refused filter
            assert query.startswith("?acteur=")
            continue
        text = " ".join(export_text(extension, body))
        assert "Alliance publiée" in text or query
        for secret in ("Brouillon secret", "Archive secrète", "Acteur du brouillon secret"):
            assert secret not in text, (query, secret)


@pytest.mark.parametrize(("user", "method", "url", "expected"), cells(ADMIN_MATRIX))
def test_admin_cell(log_in, catalogue, user, method, url, expected):
    client = log_in(user)
    examples_before = set(Example.objects.values_list("pk", "version"))
    actors_before = Actor.objects.count()
    address = url.format(**catalogue)
    if method == "GET":
        response = client.get(address)
    else:
        response = client.post(address, post_data(url, catalogue))
    assert_status(response, expected, address)
    # No admin request here writes examples or actors (an import preview writes nothing).
    assert set(Example.objects.values_list("pk", "version")) == examples_before
    assert Actor.objects.count() == actors_before
    if method == "POST" and "/domain/" in url:
        changed = Domain.objects.get(slug="sante").description == "Soins et prévention."
        assert changed == (user == SUPERUSER)
    if expected == 200 and url.endswith("/import/") and method == "POST":
        assert "importé" in response.content.decode()  # the preview shows the row


@pytest.mark.parametrize(
    ("user", "action", "expected", "changes"),
    [
        pytest.param(user, action, status, user in changed_for, id=f"{user}-{action}")
        for action, *statuses, changed_for in ACTION_MATRIX
        for user, status in zip(USERS, statuses, strict=True)
    ],
)
def test_admin_action_cell(log_in, catalogue, user, action, expected, changes):
    client = log_in(user)
    draft = Example.objects.get(slug=catalogue["draft"])
    before = (draft.status, draft.verified_on, draft.version)
    data = {"action": action, "_selected_action": [draft.pk]}
    if action == "delete_selected":
        data["post"] = "yes"  # the confirmation page's answer
    response = client.post("/admin/catalogue/example/", data)
    assert_status(response, expected, action)
    draft = Example.objects.filter(pk=draft.pk).first()
    after = (draft.status, draft.verified_on, draft.version) if draft else None
    assert (after != before) == changes, (before, after)
