"""What the public sees follows every write, whatever keeps the derived data current.

The search index, the facet index, the home page's figures and the cached public pages
are all derived from the catalogue. These tests make a write the way the site makes it
(the admin, the reference data loader) and read the result only where a visitor reads it:
the list page, its search, its facet counts, the home page — all with the page cache on,
each page visited once before the write.
"""

import csv
import gzip
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from catalogue.choices import ActorType, ExampleStatus, PartnerRole
from territoires.management.commands import load_territories
from territoires.models import Territory

from .factories import ActorFactory, CuratorFactory, ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client():
    curator = Client()
    curator.force_login(CuratorFactory(username="curatrice-des-gardes"))
    return curator


@pytest.fixture
def superuser_client():
    superuser = Client()
    superuser.force_login(UserFactory(username="administratrice-des-gardes", is_superuser=True))
    return superuser


# --- What a visitor reads ----------------------------------------------------------------


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def total(html) -> int:
    """The number of results the list page announces."""
    found = re.search(r'<h2 id="titre-resultats"[^>]*>([\d\s\u202f\xa0]+) exemple', html)
    return int(re.sub(r"\D", "", found.group(1)))


def facet_count(html, facet, value) -> int:
    """The count beside a value of a facet of the list page."""
    found = re.search(
        rf'id="f-{facet}-{value}".*?<span class="count">\(([\d\s\u202f\xa0]+)', html, re.S
    )
    return int(re.sub(r"\D", "", found.group(1)))


def figures(html) -> dict[str, int]:
    """The home page's key figures, by their term."""
    return {
        term: int(re.sub(r"\D", "", number))
        for term, number in re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html)
    }


def found_by_search(client, words, example) -> bool:
    """Does /exemples/?q=… list this example?"""
    return example.get_absolute_url() in page(client, f"/exemples/?q={words}")


# --- a. A renamed territory: the examples below it are found by its new name ---------------


def rename_through_the_loader(renames, tmp_path, monkeypatch):
    """`load_reference_data` with a reference file whose territories bear new names.

    The file holds the country, régions and départements only (loading all the communes
    takes seconds); the loader makes intercommunal memberships match its file, so the
    memberships are dropped first, in one query, rather than one by one by the loader.
    """
    lines = []
    with gzip.open(load_territories.DEFAULT_FILE, "rt", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        for row in reader:
            if row["level"] in ("pays", "region", "departement"):
                slug = Territory.make_slug(row["level"], row["code"])
                lines.append({**row, "name": renames.get(slug, row["name"])})
    target = tmp_path / "territories.csv.gz"
    with gzip.open(target, "wt", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(lines)
    Territory.member_of.through.objects.all().delete()
    monkeypatch.setattr(load_territories, "DEFAULT_FILE", target)
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())


def rename_through_the_model(renames, tmp_path, monkeypatch):
    """A territory saved with a new name by code (a shell, a data migration), through the
    write path as the loader does."""
    from catalogue import changes, search_index

    with changes.writing() as change:
        before = search_index.reference_documents()
        for slug, name in renames.items():
            territory = Territory.objects.get(slug=slug)
            territory.name = name
            territory.save()
        change.rebuild(reindex=search_index.renamed_examples(before))


@pytest.mark.parametrize("rename", [rename_through_the_loader, rename_through_the_model])
def test_examples_below_a_renamed_territory_are_found_by_its_new_name(
    client, page_cache, tmp_path, monkeypatch, rename
):
    # Lille, in the Nord (département), in the Hauts-de-France (région): the document names
    # its département and région, which it is below, not in.
    example = ExampleFactory(
        title="Café des aidants", territory=Territory.objects.get(slug="commune-59350")
    )
    assert found_by_search(client, "nord", example)
    assert not found_by_search(client, "flandre", example)
    assert not found_by_search(client, "septentrion", example)

    rename({"departement-59": "Flandre", "region-32": "Septentrion"}, tmp_path, monkeypatch)

    assert Territory.objects.get(slug="departement-59").name == "Flandre"
    assert found_by_search(client, "flandre", example)
    assert found_by_search(client, "septentrion", example)
    assert not found_by_search(client, "nord", example)


# --- b. Publishing and unpublishing through the admin action --------------------------------


def test_publishing_and_unpublishing_reach_the_cached_public_pages(
    client, page_cache, curator_client
):
    ExampleFactory(
        title="Verger partagé",
        domains=["sante"],
        partners=[ActorFactory(name="Association Pomone", actor_type=ActorType.ASSOCIATION)],
    )
    draft = ExampleFactory(
        title="Ressourcerie du port",
        status=ExampleStatus.BROUILLON,
        territory=Territory.objects.get(slug="commune-29019"),  # Brest
        domains=["sante"],
        partners=[ActorFactory(name="Fondation Estran", actor_type=ActorType.FONDATION)],
    )

    def public_view():
        listing = page(client, "/exemples/")
        in_domain = page(client, "/exemples/?domaine=sante")
        return {
            "listed": draft.get_absolute_url() in listing,
            "total": total(listing),
            "sante": facet_count(listing, "domaine", "sante"),
            "fondation": facet_count(listing, "type_acteur", "fondation"),
            "in domain": total(in_domain),
            "searched": found_by_search(client, "ressourcerie", draft),
            "home": figures(page(client, "/")),
            "page": client.get(draft.get_absolute_url()).status_code,
        }

    hidden = {
        "listed": False,
        "total": 1,
        "sante": 1,
        "fondation": 0,
        "in domain": 1,
        "searched": False,
        "home": {"Exemples publiés": 1, "Acteurs engagés": 1, "Territoires concernés": 1},
        "page": 404,
    }
    shown = {
        "listed": True,
        "total": 2,
        "sante": 2,
        "fondation": 1,
        "in domain": 2,
        "searched": True,
        "home": {"Exemples publiés": 2, "Acteurs engagés": 2, "Territoires concernés": 2},
        "page": 200,
    }
    assert public_view() == hidden
    assert public_view() == hidden  # now from the cache

    for action, expected in (("publish", shown), ("unpublish", hidden), ("publish", shown)):
        response = curator_client.post(
            "/admin/catalogue/example/", {"action": action, "_selected_action": [draft.pk]}
        )
        assert response.status_code == 302
        assert public_view() == expected, action


# --- c. A partner removed through the admin ---------------------------------------------------


def remove_in_the_example_form(example, partnership, curator_client, superuser_client):
    """A curator ticks « supprimer » beside the partner in the example's form."""
    url = f"/admin/catalogue/example/{example.pk}/change/"
    form = curator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["opened_version"] = form["opened_version"].value()
    for name in ("domains", "objectives", "partnership_types"):
        data[name] = [item.pk for item in data.get(name, [])]
    partnerships = list(example.partnerships.order_by("position", "pk"))
    data["partnerships-TOTAL_FORMS"] = data["partnerships-INITIAL_FORMS"] = len(partnerships)
    for i, p in enumerate(partnerships):
        data.update(
            {
                f"partnerships-{i}-id": p.pk,
                f"partnerships-{i}-example": example.pk,
                f"partnerships-{i}-actor": p.actor_id,
                f"partnerships-{i}-role": p.role,
                f"partnerships-{i}-position": p.position,
            }
        )
        if p.pk == partnership.pk:
            data[f"partnerships-{i}-DELETE"] = "on"
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")


def remove_in_the_partnership_admin(example, partnership, curator_client, superuser_client):
    """An administrator deletes the partnership from its own admin page."""
    response = superuser_client.post(
        f"/admin/catalogue/partnership/{partnership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("remove", [remove_in_the_example_form, remove_in_the_partnership_admin])
def test_a_partner_removed_in_the_admin_leaves_search_and_facet_counts(
    client, page_cache, curator_client, superuser_client, remove
):
    foundation = ActorFactory(name="Fondation Estran", actor_type=ActorType.FONDATION)
    example = ExampleFactory(
        title="Cantine solidaire",
        partners=[
            (ActorFactory(name="Association Pomone"), PartnerRole.PORTEUR),
            (foundation, PartnerRole.FINANCEUR),
        ],
    )
    ExampleFactory(title="Verger partagé", partners=[ActorFactory(name="Association Sillon")])
    listing = page(client, "/exemples/")
    assert facet_count(listing, "type_acteur", "fondation") == 1
    assert total(page(client, "/exemples/?type_acteur=fondation")) == 1
    assert found_by_search(client, "estran", example)

    remove(example, example.partnerships.get(actor=foundation), curator_client, superuser_client)

    assert example.partnerships.count() == 1
    listing = page(client, "/exemples/")
    assert total(listing) == 2
    assert facet_count(listing, "type_acteur", "fondation") == 0
    assert facet_count(listing, "type_acteur", "association") == 2
    assert total(page(client, "/exemples/?type_acteur=fondation")) == 0
    assert not found_by_search(client, "estran", example)
    assert found_by_search(client, "pomone", example)  # the partner that stays
