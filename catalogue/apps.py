from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue des alliances")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models import BigAutoField, ForeignKey

        from french.collation import register_sqlite_collation

        from . import locking, search_index, versions
        from .postgres import AnyOf

        search_index.connect_signals()
        versions.connect_signals()
        locking.connect_signals()
        ForeignKey.register_lookup(AnyOf)
        BigAutoField.register_lookup(AnyOf)
        connection_created.connect(register_sqlite_collation, dispatch_uid="french-collation")
