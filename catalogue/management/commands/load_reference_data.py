"""Load every reference list: objectives, domains, partnership types and territories."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalogue import search_index, versions

FIXTURES = ["objectives", "domains", "partnership_types"]


class Command(BaseCommand):
    help = "Charge les données de référence : objectifs, domaines, partenariats, territoires."

    def handle(self, *args, **options):
        before = search_index.reference_documents()
        # The fixtures key on natural keys, so loading them again updates rather than duplicates.
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
        call_command("load_territories", verbosity=options["verbosity"], stdout=self.stdout)
        versions.bump()  # fixtures load raw, without the signals that bump it
        search_index.reindex_renamed(before)  # nor those that keep documents current
