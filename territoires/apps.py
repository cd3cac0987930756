from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = _("Territoires")

    def ready(self):
        from django.db.backends.signals import connection_created

        from french.collation import register_sqlite_collation

        # Territory.Meta.ordering names the French collation, which SQLite learns on connection.
        connection_created.connect(register_sqlite_collation, dispatch_uid="french-collation")
