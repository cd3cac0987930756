"""Say in one line whether the configured database answers, and what to fix if it does not."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Vérifie que la base de données configurée (DATABASE_URL) répond."

    def handle(self, *args, **options):
        settings_dict = connection.settings_dict
        where = (
            f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or 5432}"
            f"/{settings_dict['NAME']}"
            if connection.vendor == "postgresql"
            else str(settings_dict["NAME"])
        )
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            reason = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise CommandError(
                f"La base de données {connection.vendor} ({where}) ne répond pas : {reason}. "
                "Démarrez le serveur PostgreSQL ou corrigez DATABASE_URL "
                "(laissez-la vide pour utiliser SQLite dans var/)."
            ) from None
        self.stdout.write(f"Base de données {connection.vendor} joignable ({where}).")
