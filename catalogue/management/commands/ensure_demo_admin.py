"""Create (or reset) the local demonstration administrator printed by `make run`."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "demo-admin"  # local demonstration only: refused outside debug mode


class Command(BaseCommand):
    help = "Crée l'administrateur de démonstration (mode debug seulement) et affiche son accès."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "L'administrateur de démonstration n'existe qu'en mode debug (DJANGO_DEBUG=true) ; "
                "en production, utilisez « manage.py createsuperuser »."
            )
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(
            f"Administration : http://127.0.0.1:8000/admin/ — identifiant « {USERNAME} », "
            f"mot de passe « {PASSWORD} » (compte local de démonstration)."
        )
