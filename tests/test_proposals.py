import io
import re
import smtplib
import zipfile

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from catalogue import services
from catalogue.choices import ActorType, ExampleOrigin, ExampleStatus
from catalogue.models import Actor, Example
from contributions.models import Proposal

from .factories import ActorFactory, CuratorFactory

pytestmark = pytest.mark.django_db

PROPOSER = "proposante@example.org"


def proposal(**changes):
    """A complete proposal as the form sends it, for an alliance in Lille."""
    data = {
        "title": "Repair café du quartier Moulins",
        "summary": "Une association et un bailleur réparent ensemble les objets du quotidien.",
        "description": "Chaque samedi, des bénévoles et des salariés réparent.",
        "start_year": "2021",
        "territoire_recherche": "Lille",
        "territoire": "commune-59350",
        "partenaires-TOTAL_FORMS": "3",
        "partenaires-INITIAL_FORMS": "0",
        "partenaires-MIN_NUM_FORMS": "1",
        "partenaires-MAX_NUM_FORMS": "8",
        "partenaires-0-name": "Les Réparateurs de Moulins",
        "partenaires-0-actor_type": "association",
        "partenaires-0-role": "porteur",
        "partenaires-1-name": "Habitat du Nord",
        "partenaires-1-actor_type": "entreprise",
        "partenaires-1-role": "financeur",
        "partenaires-2-name": "",
        "partenaires-2-actor_type": "",
        "partenaires-2-role": "partenaire",
        "domains": ["environnement-et-transition-ecologique"],
        "odd": ["12", "17"],
        "email": PROPOSER,
        "consent": "on",
        "site_web": "",
        "envoyer": "1",
    }
    data.update(changes)
    return data


def test_proposal_becomes_a_draft_proposed_by_the_public_and_the_proposer_gets_its_reference(
    client,
):
    shared = ActorFactory(name="Habitat du Nord", actor_type=ActorType.ENTREPRISE)
    response = client.post("/proposer/", proposal(), follow=True)
    example = Example.objects.get(title="Repair café du quartier Moulins")
    assert example.status == ExampleStatus.BROUILLON
    assert example.origin == ExampleOrigin.PUBLIC
    assert example.territory.slug == "commune-59350"
    assert [(p.actor.name, p.role) for p in example.partnerships.all()] == [
        ("Les Réparateurs de Moulins", "porteur"),
        ("Habitat du Nord", "financeur"),
    ]
    assert example.partnerships.get(role="financeur").actor == shared
    assert sorted(o.number for o in example.objectives.all()) == [12, 17]
    assert Proposal.objects.get(example=example).email == PROPOSER
    assert example.reference in response.content.decode()
    [message] = mail.outbox
    assert message.to == [PROPOSER]
    assert example.reference in message.subject and example.reference in message.body


def test_finder_offers_the_territories_matching_what_was_typed(client):
    response = client.post(
        "/proposer/",
        proposal(territoire="", territoire_recherche="roubaix", chercher_territoire="1"),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="commune-59512"' in content
    assert not Example.objects.exists()


def test_an_incomplete_proposal_names_each_problem_in_french_and_writes_nothing(client):
    data = proposal(title="", territoire="", territoire_recherche="Atlantide", consent="")
    for row in range(3):
        data.update({f"partenaires-{row}-{key}": "" for key in ("name", "actor_type")})
        data[f"partenaires-{row}-role"] = "partenaire"
    response = client.post("/proposer/", data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "Titre de l&#x27;alliance</a> : Ce champ est obligatoire." in content
    assert "Aucun territoire ne porte ce nom" in content
    assert "Indiquez au moins un partenaire" in content
    assert "Cochez cette case pour envoyer la proposition." in content
    assert not Example.objects.exists() and not Actor.objects.exists()


def test_a_filled_honeypot_creates_nothing_and_sends_nothing(client):
    response = client.post("/proposer/", proposal(site_web="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert not Example.objects.exists() and not Proposal.objects.exists()
    assert mail.outbox == []


def test_a_second_proposal_from_the_same_address_within_the_window_is_refused(client):
    client.post("/proposer/", proposal())
    response = client.post("/proposer/", proposal(title="Deuxième proposition"))
    assert response.status_code == 429
    assert re.search(
        r"vous pourrez en envoyer une autre dans \d+ minute", response.content.decode()
    )
    assert int(response["Retry-After"]) <= 600
    assert not Example.objects.filter(title="Deuxième proposition").exists()


def test_a_long_text_is_refused_with_its_limit(client):
    response = client.post("/proposer/", proposal(summary="x" * 1001))
    assert response.status_code == 400
    assert "au plus 1000 caractères" in response.content.decode()
    assert not Example.objects.exists()


def unpacked(body: bytes) -> str:
    """The text of a page or a CSV, or of every member of an XLSX or ODS (ZIP) file."""
    if not zipfile.is_zipfile(io.BytesIO(body)):
        return body.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_proposer_email_appears_on_no_public_page_and_in_no_export(client):
    client.post("/proposer/", proposal())
    example = Example.objects.get()
    services.set_status(examples=[example], user=None, status=ExampleStatus.PUBLIE)
    actor = example.partnerships.first().actor
    pages = [
        "/",
        "/exemples/",
        example.get_absolute_url(),
        actor.get_absolute_url(),
        "/territoires/commune-59350/",
        "/exemples/export.csv",
        "/exemples/export.xlsx",
        "/exemples/export.ods",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = unpacked(body)
        assert example.title in text, path
        assert PROPOSER not in text, path


def test_curators_see_the_proposals_to_review_on_the_admin_home(client):
    client.post("/proposer/", proposal())
    client.force_login(CuratorFactory())
    home = client.get("/admin/").content.decode()
    assert "1 proposition à relire" in home
    listed = client.get("/admin/catalogue/example/?origin__exact=public&status__exact=brouillon")
    assert "Repair café du quartier Moulins" in listed.content.decode()


def test_curators_read_the_proposers_contacts_and_edit_the_site_pages(client, site_pages):
    client.post("/proposer/", proposal())
    client.force_login(CuratorFactory())
    contacts = client.get("/admin/contributions/proposal/")
    assert contacts.status_code == 200 and PROPOSER in contacts.content.decode()
    assert client.get("/admin/flatpages/flatpage/").status_code == 200


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("le serveur de courrier ne répond pas")


def test_a_mail_server_down_keeps_the_proposal_and_says_so(client, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    response = client.post("/proposer/", proposal(), follow=True)
    assert response.status_code == 200
    example = Example.objects.get(title="Repair café du quartier Moulins")
    page = response.content.decode()
    assert example.reference in page
    assert "n'a pas pu vous être envoyé" in page
    assert Proposal.objects.get(example=example).email == PROPOSER


# 64 + 1 + 243 + 3 = 311 characters: a valid address the column (254) cannot hold.
LONG_EMAIL = "x" * 64 + "@" + ".".join(["a" * 60] * 4) + ".fr"


def test_a_too_long_email_is_refused_in_french_and_keeps_the_rate_limit_slot(client):
    assert len(LONG_EMAIL) == 311
    response = client.post("/proposer/", proposal(email=LONG_EMAIL))
    assert response.status_code == 400
    assert "au plus 254 caractères" in response.content.decode()
    assert not Example.objects.exists() and not Proposal.objects.exists()
    # The refused form did not use up the address's one proposal per window.
    assert client.post("/proposer/", proposal()).status_code == 302
    assert Proposal.objects.get().email == PROPOSER


def test_the_acknowledgement_quotes_nothing_the_visitor_typed_but_the_reference(client):
    title = '=HYPERLINK("http://piege.example";"visit piege.example")'
    client.post("/proposer/", proposal(title=title, summary="Gagnez un prix sur piege.example"))
    example = Example.objects.get()
    [message] = mail.outbox
    assert example.reference in message.subject and example.reference in message.body
    for typed in ("piege.example", "HYPERLINK", "Repair", "Habitat du Nord"):
        assert typed not in message.subject and typed not in message.body
