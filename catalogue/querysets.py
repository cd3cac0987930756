"""Reads of the catalogue: the one place that says which relations a page loads, and the
managers that find a row by its natural key (fixtures, spreadsheets)."""

import re

from django.db import models
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)

from french.text import fold

from .choices import ExampleStatus


def partners_in_order():
    """An example's partnerships with their actors, in the order the curators gave them."""
    from .models import Partnership

    return Prefetch(
        "partnerships",
        queryset=Partnership.objects.select_related("actor").order_by("position", "pk"),
    )


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
        return (
            self.select_related("territory")
            # The search document is large and only ever read by the database.
            .defer("search_vector")
            .prefetch_related("domains", "objectives", "partnership_types", partners_in_order())
        )

    def for_cards(self):
        """What an example card shows (territory, objectives, partners): the few cards
        beside another page, two queries fewer than `with_related()`."""
        return (
            self.select_related("territory")
            .defer("search_vector")
            .prefetch_related("objectives", partners_in_order())
        )

    def in_territory(self, territory):
        """Examples located in this territory or anywhere below it."""
        return self.filter(territory__in=territory.descendants())

    def count_by_territory(self, territories):
        """{territory pk: how many of these examples lie in it or below it}, for the few
        territories of a page (a page of the finder, the subdivisions of a territory), in one
        query from the indexes: the examples below any of their paths grouped by the place
        they are located in, UNION ALL those of the member communes of the EPCI among them,
        grouped by EPCI. Each place then counts for every listed territory on its path."""
        from territoires.models import GROUPING_LEVELS, below_paths, path_slugs

        territories = list(territories)
        counts = dict.fromkeys((t.pk for t in territories), 0)
        if not territories:
            return counts
        located = self.order_by()
        rows = (
            located.filter(below_paths(territories, through="territory"))
            .annotate(grouping=Value(0, output_field=BigIntegerField()))
            .values_list("territory__path", "grouping")
            .annotate(number=Count("pk"))
        )
        groupings = [t.pk for t in territories if t.level in GROUPING_LEVELS]
        if groupings:
            in_members = (
                located.filter(territory__member_of__in=groupings)
                .annotate(grouping=F("territory__member_of"))
                .values_list("territory__path", "grouping")
                .annotate(number=Count("pk"))
            )
            rows = rows.union(in_members, all=True)
        pks_by_slug = {t.slug: t.pk for t in territories}
        for path, grouping, number in rows:
            if grouping:
                counts[grouping] += number
                continue
            for slug in path_slugs(path):
                if slug in pks_by_slug:
                    counts[pks_by_slug[slug]] += number
        return counts


class PartnershipQuerySet(models.QuerySet):
    def peers(self, actor_type=None):
        """The examples (`example` values) with at least two distinct actors of `actor_type`
        (or, without one, `(example, actor type)` for every such pair): an alliance between
        peers, the diagonal of the alliance matrix. One grouped query."""
        links = self.order_by()
        if actor_type is not None:
            links = links.filter(actor__actor_type=actor_type)
        keys = ("example",) if actor_type is not None else ("example", "actor__actor_type")
        return (
            links.values(*keys)
            # An actor takes part once in an example (a constraint): rows count actors.
            .annotate(peers=Count("pk"))
            .filter(peers__gte=2)
            .values(*keys)
        )


def name_words(text: str) -> list[str]:
    """The words of a name search as `folded_name` holds them: folded (accents and case
    ignored), split on anything but letters and digits (« Saint-Étienne », « saint etienne »);
    a search made of punctuation alone is one word."""
    folded = fold(text)
    return re.findall(r"\w+", folded) or ([folded] if folded else [])


class ActorQuerySet(InOrderMixin, models.QuerySet):
    def with_related(self):
        return self.select_related("territory")

    def matching(self, text: str, *, identifiers: bool = False):
        """Actors whose name holds every word of `text`, in any order, accents and case
        ignored (on `folded_name`); with `identifiers`, a word may also be the actor's SIREN
        or RNA number (the admin's search). The public list and the admin share it."""
        queryset = self
        for word in name_words(text):
            condition = Q(folded_name__contains=word)
            if identifiers:
                condition |= Q(siren=word) | Q(rna__iexact=word)
            queryset = queryset.filter(condition)
        return queryset

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


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ObjectiveManager(models.Manager):
    def get_by_natural_key(self, family, number):
        return self.get(family=family, number=number)
