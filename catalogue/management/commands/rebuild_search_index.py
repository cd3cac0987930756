"""Recompute the search columns of every example (after a bulk load or a restore)."""

from django.core.management.base import BaseCommand

from catalogue import changes
from catalogue.models import Example


class Command(BaseCommand):
    help = "Recalcule l'index de recherche de tous les exemples."

    def handle(self, *args, **options):
        # One write: a page rendered during the rebuild is cached under the old version.
        with changes.writing() as change:
            change.rebuild(reindex=Example.objects.values_list("pk", flat=True))
        self.stdout.write(f"Index de recherche recalculé pour {Example.objects.count()} exemples.")
