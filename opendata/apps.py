from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """Reuse of the catalogue: the JSON API, feeds, dumps, the embeddable list, sitemaps."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = "Données ouvertes"

    def ready(self):
        from catalogue import changes

        from .dumps import withdraw_archive

        # An example taken down must not stay in the archive until the nightly dump.
        if withdraw_archive not in changes.after_takedown:
            changes.after_takedown.append(withdraw_archive)
