"""The admin's searches, behind its autocompletes and change lists: accents and case ignored,
best match first — the whole name, then its beginning, then a word anywhere. (Territories
rank by level and population as well: territoires/admin.py.)"""

from django.db.models import Case, Q, Value, When
from django.utils.text import slugify

from french.collation import french_order
from french.text import fold


def best_first(whole: Q, beginning: Q) -> Case:
    return Case(When(whole, then=Value(0)), When(beginning, then=Value(1)), default=Value(2))


class ReferenceSearchMixin:
    """For the small reference tables (a few dozen rows, folded in Python): every word typed
    must appear in the name as shown or in one of `search_fields`; the whole name or its
    beginning (as shown, or one of `name_fields`) comes first."""

    name_fields: tuple[str, ...] = ("name",)

    def get_search_results(self, request, queryset, search_term):
        words = fold(search_term).split()
        if not words:
            return queryset, False
        spaced = " ".join(words)
        whole, beginning, inside = [], [], []
        for item in queryset.order_by():
            names = {fold(str(item))} | {fold(str(getattr(item, f))) for f in self.name_fields}
            texts = names | {fold(str(getattr(item, f))) for f in self.search_fields}
            if not all(any(word in text for text in texts) for word in words):
                continue
            if spaced in names:
                whole.append(item.pk)
            elif any(name.startswith(spaced) for name in names):
                beginning.append(item.pk)
            else:
                inside.append(item.pk)
        ordering = queryset.query.order_by or self.model._meta.ordering
        found = queryset.filter(pk__in=whole + beginning + inside)
        return found.order_by(
            best_first(Q(pk__in=whole), Q(pk__in=beginning)), *ordering, "pk"
        ), False


class ActorSearchMixin:
    """Actors (up to 100,000): every word typed in the name, accents and case ignored, or a
    SIREN or RNA number (`ActorQuerySet.matching`, as the public list)."""

    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if not words:
            return queryset, False
        queryset = queryset.matching(search_term, identifiers=True)
        spaced = fold(" ".join(words))
        whole, beginning = Q(folded_name=spaced), Q(folded_name__startswith=spaced)
        if folded := slugify(spaced):
            whole |= Q(slug=folded)
            beginning |= Q(slug__startswith=folded)
        return queryset.order_by(best_first(whole, beginning), french_order("name"), "pk"), False
