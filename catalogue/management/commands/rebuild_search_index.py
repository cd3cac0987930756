"""Recompute the search columns of every example (after a bulk load or a restore)."""

from django.core.management.base import BaseCommand

from catalogue.models import Example
from catalogue.search_index import update_search_index


class Command(BaseCommand):
    help = "Recalcule l'index de recherche de tous les exemples."

    def handle(self, *args, **options):
        update_search_index()
        self.stdout.write(f"Index de recherche recalculé pour {Example.objects.count()} exemples.")
