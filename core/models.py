"""The public version of the catalogue and its change log.

Named "public" for what they count: every change of what visitors see (a published example,
its actors, its territory, a reference list). Not to be confused with `Example.version`, one
example's edit counter for optimistic locking (catalogue.locking).

Both models lived in the catalogue app; they kept their tables (`db_table`) when they moved
here, so that existing databases keep their rows (core/migrations/0001_initial.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicVersion(models.Model):
    """The public version of the catalogue (one row; core.public_version): renewed, in the
    transaction of the write, only when what the public sees changes. Cached pages are keyed
    by its random stamp, so that a rolled-back write or a restored backup can never make an
    old page current again; each worker's facet index follows its number through the change
    log."""

    stamp = models.CharField(_("empreinte"), max_length=32)
    number = models.PositiveBigIntegerField(_("numéro"), default=0)

    class Meta:
        db_table = "catalogue_catalogueversion"
        verbose_name = _("version publique du catalogue")
        verbose_name_plural = _("versions publiques du catalogue")

    def __str__(self):
        return f"{self.number} ({self.stamp})"


class PublicChange(models.Model):
    """One public change of the catalogue, as the facet indexes need it: which examples to read
    again, which actors and territories to count again, or `full` for a change of reference
    lists (an index is then rebuilt); `withdrawn` when an example left the public (copies
    made before it — export files, the open-data archive — are withdrawn). Written by
    core.public_version.renew (called by catalogue.changes), kept for a while, pruned."""

    number = models.PositiveBigIntegerField(_("numéro"), primary_key=True)
    stamp = models.CharField(_("empreinte"), max_length=32)
    examples = models.JSONField(_("exemples"), default=list)
    actors = models.JSONField(_("acteurs"), default=list)
    territories = models.JSONField(_("territoires"), default=list)
    withdrawn = models.BooleanField(_("exemple retiré du public"), default=False)
    full = models.BooleanField(_("listes de référence"), default=False)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        db_table = "catalogue_cataloguechange"
        verbose_name = _("changement public")
        verbose_name_plural = _("changements publics")

    def __str__(self):
        return str(self.number)
