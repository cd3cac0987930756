from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReperesConfig(AppConfig):
    """Fiches Repères: figures, charts, the map and the alliance matrix of a set of
    examples (France, a territory, an actor type, a domain)."""

    name = "reperes"
    verbose_name = _("Fiches Repères")
