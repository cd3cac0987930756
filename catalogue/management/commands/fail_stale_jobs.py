"""Fail the task jobs whose worker died, so that their visitors are told and their places
in the queue are given back (catalogue.tasks; docs/reliability.md)."""

from django.core.management.base import BaseCommand

from catalogue import tasks


class Command(BaseCommand):
    help = (
        "Marque en échec les tâches « en cours » dont le worker s'est arrêté : bail expiré "
        "(JOB_LEASE_SECONDS sans battement) ou, avec --worker-id, toutes celles du worker "
        "qui redémarre. À lancer avant chaque démarrage du worker et chaque minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            help=(
                "identifiant fixe du worker qui démarre (le --worker-id de db_worker) : "
                "ses tâches encore « en cours » sont mortes avec lui"
            ),
        )

    def handle(self, *args, worker_id=None, verbosity=1, **options):
        failed = tasks.fail_stale_jobs(worker_id=worker_id)
        if verbosity:
            self.stdout.write(f"{failed} tâche(s) interrompue(s) marquée(s) en échec.")
