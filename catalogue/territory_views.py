"""The territory pages: finding a territory by name, and walking through territories from
the pays down with their examples. They belong to the catalogue (they show examples);
the territoires app only holds the reference data."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from territoires.models import GROUPING_LEVELS, Territory, TerritoryLevel

from . import nearby, selectors
from .choices import ActorType
from .querystrings import query_with
from .views import ExampleSubsetView

RESULTS_PER_PAGE = 30
# Below this many examples, a territory page points to the examples around it.
FEW_EXAMPLES = 4


class TerritorySearchView(TemplateView):
    """The finder for the 37,000 territories: name or code in, ranked links out, each with
    its number of published examples; every match reachable page after page."""

    template_name = "territoires/territory_search.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        text = params.get("q", "").strip()
        # The list filters to keep when a territory is chosen (only a query string).
        carried = QueryDict(params.get("suite", ""), mutable=True)
        paginator = Paginator(
            Territory.objects.find(text).select_related("parent"), RESULTS_PER_PAGE
        )
        page = paginator.get_page(params.get("page"))
        territories = list(page.object_list)
        counts = selectors.territory_counts(territories)
        for territory in territories:
            territory.example_count = counts[territory.pk]
        return super().get_context_data(
            query=text,
            suite=carried.urlencode(),
            results=[
                (t, f"/exemples/{query_with(carried, territoire=t.slug)}") for t in territories
            ],
            page_obj=page,
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            query_without_page=query_with(params)[1:],
            **kwargs,
        )


class TerritoryDetailView(ExampleSubsetView):
    """A territory: where it sits (breadcrumb), what lies below it with counts, its examples,
    and, when it has few, the examples around it."""

    template_name = "territoires/territory_detail.html"
    context_object_name = "territory"
    model = Territory
    filter_name = "territoire"

    def filter_value(self):
        return self.object.slug

    def get_context_data(self, **kwargs):
        territory = self.object
        trail = territory.trail()
        context = super().get_context_data(
            ancestors=trail,
            subdivisions_title=SUBDIVISIONS_TITLES.get(territory.level, ""),
            **kwargs,
        )
        # The list's facet counts for this territory (catalogue.facets: no scan of its
        # examples): by actor type, and the domains that have any, most first.
        counts = context["facet_counts"]
        by_type = counts["type_acteur"]
        context["counts_by_type"] = [
            (label, by_type.get(value, 0)) for value, label in ActorType.choices
        ]
        by_domain = counts["domaine"]
        domains = [(d, by_domain.get(d.slug, 0)) for d in context["filterset"].domains]
        context["counts_by_domain"] = sorted(
            ((d, n) for d, n in domains if n), key=lambda item: -item[1]
        )
        few = context["example_count"] < FEW_EXAMPLES
        subdivisions = list(territory.subdivisions())
        # The nearest larger territories, for a territory with few examples of its own.
        around = nearby.places_above(trail)[:2] if few else []
        counts = selectors.territory_counts(subdivisions + around, context["facet_index"])
        if territory.level in GROUPING_LEVELS:  # only the member communes with examples
            subdivisions = [t for t in subdivisions if counts[t.pk]]
        context["subdivisions"] = [(t, counts[t.pk]) for t in subdivisions]
        if few:
            context.update(self.around(territory, trail, around, counts, context["examples"]))
        return context

    @staticmethod
    def around(territory, trail, places, counts, own_examples):
        """The places around a territory with their counts, the nearest examples and the
        examples that partners based here take part in elsewhere (one load for both)."""
        own = [example.pk for example in own_examples]
        near = nearby.nearest_pks(territory, trail, exclude=own, include_self=False)
        partnered = nearby.partnered_pks(territory, exclude=own + [pk for pk, _ in near])
        loaded = nearby.load([pk for pk, _ in near] + partnered)
        return {
            "places_around": [(place, counts[place.pk]) for place in places],
            "nearby_examples": [
                nearby.NearbyExample(loaded[pk], where) for pk, where in near if pk in loaded
            ],
            "partnered_examples": [loaded[pk] for pk in partnered if pk in loaded],
        }


SUBDIVISIONS_TITLES = {
    TerritoryLevel.PAYS: _("Régions"),
    TerritoryLevel.REGION: _("Départements"),
    TerritoryLevel.DEPARTEMENT: _("Intercommunalités"),
    TerritoryLevel.EPCI: _("Communes ayant des exemples"),
}
