"""Text typed into any form (the public proposal, the admin) refuses the control characters
that would break the Atom feed, the spreadsheets or a reader's screen, naming the field."""

import pytest
from django.apps import apps
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.db import models

from catalogue.models import Actor, Example

from .factories import ExampleFactory
from .test_proposals import proposal

pytestmark = pytest.mark.django_db

# The characters: C0 controls, DEL, and the right-to-left override.
HOSTILE = ["\x01", "\x1b", "\x7f", "\u202e"]


@pytest.mark.parametrize("character", HOSTILE)
def test_a_proposal_title_with_a_control_character_is_refused_naming_the_field(client, character):
    response = client.post("/proposer/", proposal(title=f"Repair{character} café"))
    content = response.content.decode()
    assert response.status_code == 400
    assert "« Titre de l&#x27;alliance » contient un caractère de contrôle" in content
    assert not Example.objects.exists()


def test_a_partner_name_with_a_control_character_is_refused(client):
    response = client.post("/proposer/", proposal(**{"partenaires-1-name": "Habitat\x1b[31m"}))
    assert response.status_code == 400
    assert "« Nom du partenaire » contient un caractère de contrôle" in response.content.decode()
    assert not Example.objects.exists()


def test_tab_and_line_breaks_stay_allowed(client):
    response = client.post("/proposer/", proposal(description="Ligne un\r\n\tLigne deux"))
    assert response.status_code == 302
    assert Example.objects.get().description == "Ligne un\r\n\tLigne deux"


def test_the_admin_refuses_a_control_character_naming_the_field(client, curator):
    response = client.post(
        "/admin/catalogue/actor/add/",
        {"name": "Association\x01 des jardins", "actor_type": "association"},
    )
    assert response.status_code == 200
    assert "« Nom » contient un caractère de contrôle invisible (U+0001)" in (
        response.content.decode()
    )
    assert not Actor.objects.exists()


def test_a_flat_page_title_with_a_control_character_is_refused(admin_client, site_pages):
    page = FlatPage.objects.get(url="/contact/")
    response = admin_client.post(
        f"/admin/flatpages/flatpage/{page.pk}/change/",
        {"url": "/contact/", "title": "Contact\u202e", "content": "<p>Écrivez-nous.</p>",
         "sites": ["1"], "template_name": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "contient un caractère de contrôle" in response.content.decode()
    assert FlatPage.objects.get(pk=page.pk).title == "Contact"


def test_every_text_field_of_the_project_refuses_control_characters():
    """Every write path that validates (admin, services, imports) goes through full_clean."""
    example = ExampleFactory.build(title="Verger\x7f partagé")
    with pytest.raises(ValidationError) as refused:
        example.full_clean(exclude=["territory", "slug", "reference"])
    assert "contient un caractère de contrôle" in str(refused.value.message_dict["title"])
    project = ["catalogue", "contributions", "reperes", "territoires", "pages", "flatpages"]
    unguarded = [
        f"{model._meta.label}.{field.name}"
        for label in project
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not any("contrôle" in str(getattr(v, "message", "")) for v in field.validators)
    ]
    assert unguarded == []
