from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure: no models."""

    name = "core"
    verbose_name = _("Infrastructure du site")
