"""A visitor proposes an example; a curator finds it among the proposals, completes and
publishes it; the proposer's address is shown nowhere public. Abuse is turned away."""

import re

import pytest
from playwright.sync_api import expect

from tests.test_proposals import unpacked

pytestmark = pytest.mark.e2e

PROPOSER = "proposante@example.org"


def fill_proposal(page, title):
    page.goto("/proposer/")
    page.get_by_label("Titre de l'alliance").fill(title)
    page.get_by_label("Résumé").fill("Des bénévoles et un bailleur réparent les objets ensemble.")
    page.get_by_label("Année de début").fill("2022")
    page.get_by_label("Commune ou territoire de l'alliance").fill("lille")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("radio", name=re.compile(r"^Lille \(commune")).check()
    partner = page.get_by_role("group", name="Partenaire 1")
    partner.get_by_label("Nom du partenaire").fill("Les Réparateurs de Moulins")
    partner.get_by_label("Type d'acteur").select_option("association")
    partner.get_by_label("Rôle").select_option("porteur")
    page.get_by_label("Votre adresse électronique").fill(PROPOSER)
    page.get_by_role("checkbox", name=re.compile("J'accepte")).check()


def test_visitor_proposes_curator_publishes_and_the_address_stays_private(
    page, browser, live_server, django_user_model, settings
):
    from catalogue.models import Example

    # The visitor proposes, finding the commune through the finder, and gets a reference.
    fill_proposal(page, "Repair café des Moulins")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre proposition a bien été reçue"
    )
    proposed = Example.objects.get(title="Repair café des Moulins")
    expect(page.locator(".reference")).to_have_text(proposed.reference)
    assert proposed.territory.slug == "commune-59350" and proposed.status == "brouillon"

    # A second proposal from the same address within the window is refused, kept on screen.
    fill_proposal(page, "Deuxième atelier")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("alert")).to_contain_text("vous pourrez en envoyer une autre dans")
    expect(page.get_by_label("Titre de l'alliance")).to_have_value("Deuxième atelier")
    assert not Example.objects.filter(title="Deuxième atelier").exists()

    # A robot that fills the hidden field creates nothing.
    fill_proposal(page, "Offre de robot")
    page.locator("#id_site_web").evaluate("field => { field.value = 'http://spam.example'; }")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre proposition a bien été reçue"
    )
    assert not Example.objects.filter(title="Offre de robot").exists()

    # A curator finds it among the proposals from the admin home, completes and publishes it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser("curatrice", "c@example.org", "mot-de-passe-42")
    curator = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    try:
        curator.goto("/admin/login/")
        curator.get_by_label("Nom d’utilisateur").fill("curatrice")
        curator.get_by_label("Mot de passe").fill("mot-de-passe-42")
        curator.get_by_role("button", name="Connexion").click()
        curator.get_by_role("link", name="1 proposition à relire").click()
        curator.get_by_role("link", name="Repair café des Moulins").click()
        curator.locator("#id_scale").select_option("local")
        curator.locator("#id_status").select_option("publie")
        curator.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(curator.locator(".messagelist .success")).to_be_visible()
    finally:
        curator.context.close()
    proposed.refresh_from_db()
    assert proposed.status == "publie" and proposed.scale == "local"

    # The public sees the example, and the proposer's address nowhere, exports included.
    visitor = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    try:
        actor = proposed.partnerships.get().actor
        for path in ("/", "/exemples/", proposed.get_absolute_url(), actor.get_absolute_url()):
            visitor.goto(path)
            expect(visitor.get_by_text("Repair café des Moulins").first).to_be_visible()
            assert PROPOSER not in visitor.content(), path
        for extension in ("csv", "xlsx", "ods"):
            response = visitor.request.get(f"/exemples/export.{extension}")
            assert response.ok
            text = unpacked(response.body())
            assert "Repair café des Moulins" in text and PROPOSER not in text, extension
    finally:
        visitor.context.close()
