from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Reuse of the catalogue: the JSON API, feeds, dumps, the embeddable list, sitemaps."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = "Données ouvertes"
