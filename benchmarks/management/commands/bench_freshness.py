"""What a write costs the readers: the facet index after a curator's save and after an import
of 1,000 rows, against a whole build and a new worker's start from the snapshot.

In-process, on the database it is given (`make bench-freshness` fills a throwaway PostgreSQL);
figures in docs/benchmarks.md.
"""

import pickle
import resource
import statistics
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand

from benchmarks import writes
from catalogue import facets, search, word_index
from catalogue.models import Example

# Curators' saves measured one after the other: the first reads colder pages.
SAVES = 5
# Words that a worker has been asked, and keeps up to date at each write.
COMMON_WORDS = ("solidaire", "jardin", "association")


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, (time.perf_counter() - start) * 1000


class Command(BaseCommand):
    help = "Mesure le coût d'une écriture pour les lecteurs (index des facettes)."

    def add_arguments(self, parser):
        parser.add_argument("--import-rows", type=int, default=1000)

    def handle(self, *args, import_rows, **options):
        published = Example.objects.filter(status="publie")
        self.report("exemples publiés", published.count(), "")
        facets._index["value"] = None
        cache.delete(facets.SNAPSHOT_KEY)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        index, ms = timed(facets.current_index)
        self.report("construction complète de l'index", ms, "ms")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.report("pic de mémoire du processus", self.peak(), "Mo")
        self.report("dont la construction de l'index", (peak - rss_before) // 1024, "Mo")
        self.report("instantané sérialisé", len(pickle.dumps(index)) // 1024, "Ko")
        # What a worker holds after its first fiche and searches, and follows at each write.
        _, ms = timed(lambda: index.actor_count(index.all))
        self.report("acteurs de chaque exemple (première fiche)", ms, "ms")
        for word in COMMON_WORDS:
            _, ms = timed(lambda word=word: word_index.parts_of(index, search.stem(word)))
            self.report(f"mot courant « {word} » (première recherche)", ms, "ms")
        self.report("pic de mémoire du processus, acteurs et mots lus", self.peak(), "Mo")
        self.report("instantané sérialisé, acteurs et mots compris",
                    len(pickle.dumps(index)) // 1024, "Ko")  # fmt: skip

        saves, updates = [], []
        for example in published.order_by("-pk")[:SAVES]:
            _, ms = timed(lambda example=example: writes.curator_save(example))
            saves.append(ms)
            _, ms = timed(facets.current_index)
            updates.append(ms)
        for label, values in (
            ("enregistrement d'un exemple publié (curateur)", saves),
            ("requête suivante : index mis à jour", updates),
        ):
            self.report(f"{label}, médiane sur {SAVES}", float(statistics.median(values)), "ms")
            self.report(f"{label}, maximum", max(values), "ms")

        rows, ms = timed(lambda: writes.import_update(import_rows))
        self.report(f"import de {rows} lignes (confirmation)", ms, "ms")
        _, ms = timed(facets.current_index)
        self.report("requête suivante : index mis à jour", ms, "ms")

        facets._index["value"] = None  # a new worker
        _, ms = timed(facets.current_index)
        self.report("nouveau processus : instantané chargé et rattrapé", ms, "ms")

    @staticmethod
    def peak() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

    def report(self, label, value, unit):
        value = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        self.stdout.write(f"{label:55} {value.replace(',', ' '):>12} {unit}")
