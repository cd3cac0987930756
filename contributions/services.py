"""Turning a proposal from the public into a draft that curators review."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue import changes
from catalogue import services as catalogue_services
from catalogue.choices import ExampleOrigin, ExampleStatus
from catalogue.models import Actor, Example, Partnership

from .models import Proposal

logger = logging.getLogger(__name__)


def create_proposal(*, data: dict, partners: list[dict], email: str) -> Example:
    """A draft example marked as proposed by the public, its partners (an actor already in
    the catalogue under the same name and type is reused) and the proposer's contact. A
    draft: the public version, cached pages and facet indexes are left alone."""
    with changes.writing():
        return _create_proposal(data=data, partners=partners, email=email)


def _create_proposal(*, data, partners, email):
    example = Example(
        title=data["title"],
        summary=data["summary"],
        description=data.get("description", ""),
        territory=data["territoire"],
        start_year=data["start_year"],
        status=ExampleStatus.BROUILLON,
        origin=ExampleOrigin.PUBLIC,
    )
    catalogue_services.save_example(example=example, user=None, is_new=True)
    example.domains.set(data.get("domains") or [])
    example.objectives.set(data.get("odd") or [])
    seen = set()
    for position, partner in enumerate(partners):
        actor = find_or_create_actor(name=partner["name"], actor_type=partner["actor_type"])
        if actor.pk in seen:
            continue
        seen.add(actor.pk)
        Partnership.objects.create(
            example=example, actor=actor, role=partner["role"], position=position
        )
    Proposal.objects.create(example=example, email=email, consented_at=timezone.now())
    return example


def find_or_create_actor(*, name: str, actor_type: str) -> Actor:
    name = " ".join(name.split())
    actor = Actor.objects.filter(actor_type=actor_type, name__iexact=name).first()
    if actor is not None:
        return actor
    actor = Actor(name=name, actor_type=actor_type)
    actor.full_clean()
    actor.save()
    return actor


def send_acknowledgement(*, example: Example, email: str) -> bool:
    """Tell the proposer that the proposal arrived, with its reference. The message quotes
    nothing the visitor typed but that reference: anyone can type any address into the
    form, and a message from the site's domain must not carry a stranger's text (a title
    such as '=HYPERLINK(…)' or 'visit …') to it. False when the mail server refused or could
    not be reached: the proposal is kept all the same (the page shows the reference and
    says so), and the failure is logged for the administrator."""
    context = {"reference": example.reference, "site_url": settings.SITE_URL}
    try:
        send_mail(
            subject=_("Votre proposition %(reference)s a bien été reçue")
            % {"reference": example.reference},
            message=render_to_string("contributions/acknowledgement_email.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    except (OSError, smtplib.SMTPException):
        logger.exception("Accusé de réception de %s non envoyé", example.reference)
        return False
    return True
