"""Reads of the catalogue: the one place that says which relations a page loads."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery

from .choices import ExampleStatus


class InOrderMixin:
    def in_order(self, ids):
        """The rows of these ids, in that order."""
        found = self.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


class ExampleQuerySet(InOrderMixin, models.QuerySet):
    def published(self):
        """What the public may see."""
        return self.filter(status=ExampleStatus.PUBLIE)

    def with_related(self):
        """Everything a list row, an export row or a detail page shows, in a fixed number of
        queries whatever the number of examples."""
        from .models import Partnership

        return (
            self.select_related("territory")
            # The search document is large and only ever read by the database.
            .defer("search_vector")
            .prefetch_related(
                "domains",
                "objectives",
                "partnership_types",
                Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.select_related("actor").order_by("position", "pk"),
                ),
            )
        )

    def in_territory(self, territory):
        """Examples located in this territory or anywhere below it."""
        return self.filter(territory__in=territory.descendants())


class ActorQuerySet(InOrderMixin, models.QuerySet):
    def with_related(self):
        return self.select_related("territory")

    def public(self):
        """Actors of at least one published example: the only ones the public may see (an
        actor named only in drafts is as unknown as one that does not exist)."""
        return self.filter(Exists(self._published_partnerships()))

    def with_published_examples(self):
        """`public()`, each with `example_count`, the number of those examples (a subquery per
        listed actor rather than a join over all of them)."""
        counts = self._published_partnerships().order_by().values("actor").annotate(n=Count("pk"))
        return self.public().annotate(example_count=Subquery(counts.values("n")))

    @staticmethod
    def _published_partnerships():
        from .models import Partnership

        return Partnership.objects.filter(
            actor=OuterRef("pk"), example__status=ExampleStatus.PUBLIE
        )
