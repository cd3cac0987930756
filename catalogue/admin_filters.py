"""The admin's list filters. A value a filter does not offer (typed or edited in the address)
is named in a French message and lists nothing — never a 500, an empty list in silence or a
bare "?e=1"."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from french.collation import french_order
from territoires.models import Territory, TerritoryLevel

from .choices import ActorType, ObjectiveFamily
from .models import Objective

REVERIFY_AFTER = timedelta(days=730)


def refuse_unknown_value(request, title, value):
    messages.error(
        request,
        _(
            "Filtre « %(filter)s » : la valeur « %(value)s » n'existe pas. Aucun résultat "
            "n'est affiché : choisissez une valeur dans la liste des filtres."
        )
        % {"filter": title, "value": value[:100]},
    )


class CheckedListFilter(admin.SimpleListFilter):
    """A filter of our own: its value must be one of its lookups before `filter` runs."""

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in {str(key) for key, _label in self.lookup_choices}:
            refuse_unknown_value(request, self.title, value)
            return queryset.none()
        return self.filter(queryset, value)

    def filter(self, queryset, value):
        raise NotImplementedError


class CheckedChoicesFilter(admin.ChoicesFieldListFilter):
    """Django's filter on a field with choices (status, scale, actor type, role)."""

    def known_values(self):
        return {str(value) for value, _label in self.field.flatchoices if value is not None}

    def queryset(self, request, queryset):
        unknown = [v for v in self.lookup_val or [] if v not in self.known_values()]
        if unknown:
            refuse_unknown_value(request, self.title, unknown[0])
            return queryset.none()
        return super().queryset(request, queryset)


class CheckedRelatedFilter(admin.RelatedFieldListFilter):
    """Django's filter on a related list (domains, partnership types)."""

    def queryset(self, request, queryset):
        known = {str(pk) for pk, _label in self.lookup_choices}
        unknown = [v for v in self.lookup_val or [] if v not in known]
        if unknown:
            refuse_unknown_value(request, self.title, unknown[0])
            return queryset.none()
        return super().queryset(request, queryset)


class RegionFilter(CheckedListFilter):
    title = _("région")
    parameter_name = "region"
    territory_field = "territory"

    def lookups(self, request, model_admin):
        regions = Territory.objects.filter(level=TerritoryLevel.REGION).order_by(
            french_order("name")
        )
        return [(r.slug, r.name) for r in regions]

    def filter(self, queryset, value):
        region = Territory.objects.get(slug=value)
        return queryset.filter(**{f"{self.territory_field}__in": region.descendants()})


class ActorTypeFilter(CheckedListFilter):
    title = _("type d'acteur partenaire")
    parameter_name = "type_acteur"

    def lookups(self, request, model_admin):
        return ActorType.choices

    def filter(self, queryset, value):
        return queryset.filter(partners__actor_type=value).distinct()


class OddFilter(CheckedListFilter):
    title = _("ODD")
    parameter_name = "odd"

    def lookups(self, request, model_admin):
        return [(o.number, str(o)) for o in Objective.objects.filter(family=ObjectiveFamily.ODD)]

    def filter(self, queryset, value):
        return queryset.filter(
            objectives__family=ObjectiveFamily.ODD, objectives__number=value
        ).distinct()


class ToReverifyFilter(CheckedListFilter):
    title = _("à revérifier")
    parameter_name = "a_reverifier"

    def lookups(self, request, model_admin):
        return [
            ("oui", _("Oui (jamais vérifié ou il y a plus de deux ans)")),
            ("non", _("Non")),
        ]

    def filter(self, queryset, value):
        stale = Q(verified_on__isnull=True) | Q(
            verified_on__lt=timezone.localdate() - REVERIFY_AFTER
        )
        return queryset.filter(stale) if value == "oui" else queryset.exclude(stale)
