"""Load every reference list: objectives, domains, partnership types and territories."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalogue import changes, search_index

FIXTURES = ["objectives", "domains", "partnership_types"]


class Command(BaseCommand):
    help = "Charge les données de référence : objectifs, domaines, partenariats, territoires."

    def handle(self, *args, **options):
        # One write: pages and facet indexes never see half-loaded lists, and the documents
        # of the examples below a renamed value are recomputed with them.
        with changes.writing() as change:
            before = search_index.reference_documents()
            # The fixtures key on natural keys: loading them again updates, not duplicates.
            call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
            call_command("load_territories", verbosity=options["verbosity"], stdout=self.stdout)
            change.rebuild(reindex=search_index.renamed_examples(before))
