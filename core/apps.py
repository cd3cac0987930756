from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure: the public version and its change log are its only models."""

    name = "core"
    verbose_name = _("Infrastructure du site")
