"""The read-only JSON API (/api/v1/), on Django REST framework.

The example list goes through the list page's own ExampleFilterSet and selectors
(catalogue.selectors): same parameters, same order, same French errors (400, one list of
messages per parameter), and the same facet index that finds and counts the matching
examples; the actor list is /acteurs/'s own `actor_ids`. Drafts are never reachable: every
queryset starts from `published()` or `public()`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from catalogue import selectors
from catalogue.choices import ActorType
from catalogue.filtersets import ActorFilterForm, ExampleFilterSet
from catalogue.models import Actor, Domain, Example, Objective
from territoires.models import Territory, TerritoryLevel

from . import rest, serializers

# Reference lists fit on one page (21 objectives, 15 domains); territories take 370.
REFERENCE_PAGE_SIZE = 100


def error_messages(errors) -> dict[str, list[str]]:
    """{parameter: [French messages]}, the messages the list page shows beside its filters."""
    return {name: [str(e) for e in messages] for name, messages in errors.items()}


def refuse(errors):
    """400 with the messages of each bad parameter."""
    raise ValidationError(error_messages(errors))


class ExampleViewSet(viewsets.ReadOnlyModelViewSet):
    """Published examples: the list takes every parameter of /exemples/."""

    queryset = Example.objects.published().with_related()
    serializer_class = serializers.ExampleSerializer
    lookup_field = "slug"
    # The backend documents the FilterSet's parameters in the schema; `list` applies it.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ExampleFilterSet
    # `exact=1` searches the words as typed, as on /exemples/.
    pagination_class = rest.ExamplePagination

    def list(self, request, *args, **kwargs):
        filterset = ExampleFilterSet(request.query_params)
        if not filterset.is_valid():
            refuse(filterset.errors)
        ids = self.paginate_queryset(selectors.ordered_results(filterset))
        examples = Example.objects.with_related().in_order(list(ids))
        response = self.get_paginated_response(self.get_serializer(examples, many=True).data)
        plan = filterset.search_plan
        response.data.update(
            corrections=[{"typed": typed, "used": used} for typed, used in plan.corrections],
            synonyms=[{"typed": typed, "added": added} for typed, added in plan.synonyms],
            ignored=plan.ignored,
        )
        return response


class ActorFilterSet(django_filters.FilterSet):
    """For the schema only: the parameters ActorViewSet.list reads through ActorFilterForm."""

    q = django_filters.CharFilter(label=_("Nom de l'acteur"))
    type_acteur = django_filters.ChoiceFilter(label=_("Type d'acteur"), choices=ActorType.choices)

    class Meta:
        model = Actor
        fields = []


class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """Actors of published examples in French name order; `q` (name) and `type_acteur` as on
    /acteurs/."""

    queryset = Actor.objects.public().with_related()
    serializer_class = serializers.ActorSerializer
    lookup_field = "slug"
    page_size = selectors.ACTORS_PER_PAGE
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActorFilterSet

    def list(self, request, *args, **kwargs):
        form = ActorFilterForm(request.query_params)
        if not form.is_valid():
            refuse(form.errors)
        ordered = selectors.actor_ids(form.cleaned_data)
        ids = self.paginate_queryset(selectors.CountedIds(ordered, len(ordered)))
        actors = Actor.objects.with_related().in_order(list(ids))
        return self.get_paginated_response(self.get_serializer(actors, many=True).data)


class TerritoryFilterSet(django_filters.FilterSet):
    niveau = django_filters.ChoiceFilter(
        label=_("Niveau"), field_name="level", choices=TerritoryLevel.choices
    )
    parent = django_filters.CharFilter(
        label=_("Territoire parent (identifiant)"), field_name="parent__slug"
    )

    class Meta:
        model = Territory
        fields = []


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Territories of the INSEE hierarchy; one territory also lists its parents and children."""

    queryset = Territory.objects.with_parent().order_by("path", "pk")
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = TerritoryFilterSet
    page_size = REFERENCE_PAGE_SIZE

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.TerritoryDetailSerializer
        return serializers.TerritorySerializer


class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Domain.objects.order_by("name", "pk")
    serializer_class = serializers.DomainSerializer
    lookup_field = "slug"
    page_size = REFERENCE_PAGE_SIZE


class ObjectiveViewSet(viewsets.ReadOnlyModelViewSet):
    """The 17 ODD, then the 4 objectives of « faire alliance »."""

    queryset = Objective.objects.order_by("-family", "number")
    serializer_class = serializers.ObjectiveSerializer
    page_size = REFERENCE_PAGE_SIZE
