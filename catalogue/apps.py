from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue des alliances")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models import BigAutoField, ForeignKey

        from french.collation import register_sqlite_collation

        from .postgres import AnyOf

        # The one signal the catalogue listens to (Django has no other hook for a new
        # connection); derived data is kept by the write path, catalogue.changes.
        ForeignKey.register_lookup(AnyOf)
        BigAutoField.register_lookup(AnyOf)
        connection_created.connect(register_sqlite_collation, dispatch_uid="french-collation")
