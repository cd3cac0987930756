from django.core.management.base import BaseCommand

from opendata import dumps


class Command(BaseCommand):
    help = (
        "Écrit le catalogue publié (CSV par table, JSON, datapackage.json) dans "
        "OPEN_DATA_DIR ; la page /donnees/ sert ce fichier."
    )

    def handle(self, *args, **options):
        folder = dumps.dump_folder()
        counts = dumps.write_dump(folder)
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        self.stdout.write(f"{folder / dumps.ARCHIVE_NAME} écrit : {summary}.")
