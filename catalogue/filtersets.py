"""The one ExampleFilterSet that the list page, its facet counts, its exports, the API, the
feed and the Fiches Repères share: the filters declared once, their values validated, and
the filtered, sorted queryset.

What is read from it lives elsewhere: the matches, facet counts and ordered ids in
catalogue.selectors, the orders in catalogue.ordering, the filters in words in
catalogue.filter_labels. None of them writes on the FilterSet."""

import re
import threading
from dataclasses import dataclass

import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import public_version, replica
from french.collation import french_order
from territoires.models import Territory, TerritoryLevel

from . import ordering, search
from .choices import ActorType, ObjectiveFamily, Scale
from .models import (
    MAX_YEAR,
    MIN_YEAR,
    Actor,
    Domain,
    Example,
    Objective,
    Partnership,
    PartnershipType,
)

SLUG = re.compile(r"[a-z0-9-]{1,80}")


class SlugObjectField(forms.CharField):
    """A slug that must name an existing object; cleans to that object."""

    def __init__(self, *, lookup, unknown_message, **kwargs):
        self.lookup = lookup
        self.unknown_message = unknown_message
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = self.lookup(value.strip().lower())
        if found is None:
            raise forms.ValidationError(self.unknown_message, params={"value": value})
        return found


class SlugObjectFilter(django_filters.Filter):
    field_class = SlugObjectField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


# Parameters that take one value: a second one is refused, never silently dropped.
SINGLE_VALUED = ("q", "territoire", "acteur", "annee_min", "annee_max", "tri", "exact", "page")


class ExampleFilterForm(forms.Form):
    page = forms.IntegerField(
        label=_("Page"),
        min_value=1,
        required=False,
        error_messages={"invalid": _("Saisissez un numéro de page, par exemple 2.")},
    )

    def clean(self):
        for name in SINGLE_VALUED:
            given = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(given) > 1 and name in self.fields:
                self.add_error(
                    name,
                    _("Ce paramètre ne prend qu'une valeur ; %(count)s ont été données.")
                    % {"count": len(given)},
                )
        cleaned = super().clean()
        low, high = cleaned.get("annee_min"), cleaned.get("annee_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "annee_max",
                _("L'année maximale (%(high)s) précède l'année minimale (%(low)s).")
                % {"high": high, "low": low},
            )
        return cleaned


def year_field_kwargs(label):
    return {
        "label": label,
        "min_value": MIN_YEAR,
        "max_value": MAX_YEAR,
        "error_messages": {"invalid": _("Saisissez une année, par exemple 2021.")},
    }


@dataclass(frozen=True)
class ReferenceLists:
    """What every ExampleFilterSet validates values against and labels facets with; shared,
    never changed, by the FilterSets of a process at one public version."""

    domains: list
    objectives: list
    partnership_types: list
    territories: dict  # slug: région or département, in French name order


_references = {"stamp": None, "lists": None}
_references_lock = threading.Lock()


def reference_lists() -> ReferenceLists:
    """The reference lists at the current public version, read once per version in each
    process: a change of them renews the version (catalogue.changes), and a public page
    knows its version without a query (core.public_version.pinned)."""
    number, stamp = public_version.state()
    with _references_lock:
        if _references["stamp"] != stamp:
            levels = [TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
            places = Territory.objects.filter(level__in=levels).order_by(french_order("name"))
            # Kept under `stamp`: never read from a replica that has not replayed it.
            with replica.primary_unless_replayed(number):
                _references["lists"] = ReferenceLists(
                    domains=list(Domain.objects.all()),
                    objectives=list(Objective.objects.all()),
                    partnership_types=list(PartnershipType.objects.all()),
                    territories={t.slug: t for t in places},
                )
            _references["stamp"] = stamp
        return _references["lists"]


class ExampleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Mots-clés"), method="filter_search", max_length=200)
    territoire = SlugObjectFilter(label=_("Territoire"), method="filter_territory")
    type_acteur = django_filters.MultipleChoiceFilter(
        label=_("Types d'acteurs (tous ensemble)"),
        choices=ActorType.choices,
        method="filter_actor_types",
    )
    entre_pairs = django_filters.MultipleChoiceFilter(
        label=_("Alliances entre pairs (au moins deux acteurs du type)"),
        choices=ActorType.choices,
        method="filter_peer_actor_types",
    )
    domaine = django_filters.MultipleChoiceFilter(label=_("Domaines"), method="filter_domains")
    odd = django_filters.MultipleChoiceFilter(label=_("ODD"), method="filter_odd")
    objectif = django_filters.MultipleChoiceFilter(
        label=_("Objectifs d'alliance"), method="filter_alliance_objectives"
    )
    type_partenariat = django_filters.MultipleChoiceFilter(
        label=_("Types de partenariat"), method="filter_partnership_types"
    )
    echelle = django_filters.MultipleChoiceFilter(
        label=_("Échelle"), choices=Scale.choices, field_name="scale", distinct=False
    )
    acteur = SlugObjectFilter(label=_("Acteur"), method="filter_actor")
    annee_min = YearFilter(
        field_name="start_year", lookup_expr="gte", **year_field_kwargs(_("Débuté en ou après"))
    )
    annee_max = YearFilter(
        field_name="start_year", lookup_expr="lte", **year_field_kwargs(_("Débuté en ou avant"))
    )
    tri = django_filters.ChoiceFilter(label=_("Trier par"), choices=ordering.SORTS, method="keep")
    # The words as typed: no correction, no synonym, no word left out (search.plan_search).
    exact = django_filters.ChoiceFilter(
        label=_("Mots tels que tapés (1 : sans correction ni synonyme)"),
        choices=[("1", _("oui"))],
        method="keep",
    )

    class Meta:
        model = Example
        fields = []
        form = ExampleFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Example.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)
        # Reference lists: they validate values and label the facets.
        lists = reference_lists()
        self.domains = lists.domains
        self.objectives = lists.objectives
        self.partnership_types = lists.partnership_types
        self.territory_options = self._territory_options(lists.territories)
        self._set_choices("domaine", [(d.slug, d.name) for d in self.domains])
        self._set_choices("odd", self._objective_choices(ObjectiveFamily.ODD))
        self._set_choices("objectif", self._objective_choices(ObjectiveFamily.ALLIANCE))
        self._set_choices("type_partenariat", [(t.slug, t.name) for t in self.partnership_types])
        self.filters["territoire"].extra.update(
            lookup=self.territory_options.get,
            unknown_message=_("Territoire inconnu : « %(value)s »."),
        )
        self.filters["acteur"].extra.update(
            lookup=lambda slug: Actor.objects.public().filter(slug=slug).first(),
            unknown_message=_("Acteur inconnu : « %(value)s »."),
        )

    def _set_choices(self, name, choices):
        self.filters[name].extra["choices"] = choices

    def _objective_choices(self, family):
        return [(str(o.number), str(o)) for o in self.objectives if o.family == family]

    def _territory_options(self, territories):
        """Régions and départements (the choices), plus the territory asked for if deeper."""
        asked = (self.data.get("territoire") or "").strip().lower() if self.data else ""
        if asked in territories or not SLUG.fullmatch(asked):
            return territories
        deeper = Territory.objects.filter(slug=asked).first()
        return {**territories, asked: deeper} if deeper else territories

    # --- filters ---------------------------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset  # sorting is applied last, in filter_queryset (catalogue.ordering)

    def filter_search(self, queryset, name, value):
        return queryset.filter(search.match_condition(self.search_plan))

    def filter_territory(self, queryset, name, value: Territory):
        return queryset.in_territory(value)

    def filter_actor_types(self, queryset, name, values):
        # An alliance between every type given: one condition per type.
        for actor_type in values:
            queryset = queryset.filter(
                pk__in=Partnership.objects.filter(actor__actor_type=actor_type).values("example")
            )
        return queryset

    def filter_peer_actor_types(self, queryset, name, values):
        # At least two distinct actors of each type given: the diagonal of the alliance matrix.
        for actor_type in values:
            queryset = queryset.filter(pk__in=Partnership.objects.peers(actor_type))
        return queryset

    @staticmethod
    def _any_of(queryset, relation, **lookup):
        # Through the link table alone: no join back to the (wide) examples table.
        links = getattr(Example, relation).through.objects.filter(**lookup)
        return queryset.filter(pk__in=links.values("example_id"))

    def filter_domains(self, queryset, name, value: list[str]):
        return self._any_of(queryset, "domains", domain__slug__in=value)

    def filter_odd(self, queryset, name, value: list[str]):
        return self._any_of(
            queryset,
            "objectives",
            objective__family=ObjectiveFamily.ODD,
            objective__number__in=value,
        )

    def filter_alliance_objectives(self, queryset, name, value: list[str]):
        return self._any_of(
            queryset,
            "objectives",
            objective__family=ObjectiveFamily.ALLIANCE,
            objective__number__in=value,
        )

    def filter_partnership_types(self, queryset, name, value: list[str]):
        return self._any_of(queryset, "partnership_types", partnershiptype__slug__in=value)

    def filter_actor(self, queryset, name, value: Actor):
        return queryset.filter(pk__in=Partnership.objects.filter(actor=value).values("example"))

    # --- the queryset ------------------------------------------------------------------------

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:  # not `page`, which only the paginator reads
                queryset = self.filters[name].filter(queryset, value)
        return ordering.sorted_queryset(queryset, self.valid_data, self.search_plan)

    @property
    def valid_data(self) -> dict:
        """The cleaned data, or nothing when a value is refused: an invalid list searches no
        words and keeps the default order."""
        return self.form.cleaned_data if self.is_valid() else {}

    @cached_property
    def search_plan(self):
        """The words searched for, with the corrections of words that match nothing: planned
        once (it may read the vocabulary) for the `q` filter, the order by relevance and
        the relevance the selectors read with the matches."""
        data = self.valid_data
        return search.plan_search(data.get("q") or "", self.queryset, exact=bool(data.get("exact")))


class ActorFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom de l'acteur"), max_length=200, required=False)
    type_acteur = forms.ChoiceField(
        label=_("Type d'acteur"),
        choices=[("", _("Tous les types")), *ActorType.choices],
        required=False,
        error_messages={"invalid_choice": _("Type d'acteur inconnu : « %(value)s ».")},
    )
    page = forms.IntegerField(
        label=_("Page"),
        min_value=1,
        required=False,
        error_messages={"invalid": _("Saisissez un numéro de page, par exemple 2.")},
    )
