"""What the public sends through "Proposer un exemple", beside the draft it creates."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    """The proposer's contact for one proposed example. Kept apart from the example, so
    that no page, export or feed written from examples can ever show it."""

    example = models.OneToOneField(
        "catalogue.Example",
        verbose_name=_("exemple"),
        on_delete=models.CASCADE,
        related_name="proposal",
    )
    email = models.EmailField(_("adresse électronique du proposant"))
    consented_at = models.DateTimeField(_("consentement donné le"))
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposition du public")
        verbose_name_plural = _("propositions du public")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.example.reference} — {self.example.title}"
