from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    """The `make bench` and `make reliability` commands: no models, no URLs."""

    name = "benchmarks"
    verbose_name = _("Mesures de performance et de fiabilité")
