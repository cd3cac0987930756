"""Public pages of the catalogue."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from french.text import sort_key
from territoires.models import TerritoryLevel

from . import facets, nearby, no_results, ordering, search, selectors
from .choices import ObjectiveFamily
from .filter_labels import active_filter_labels
from .filtersets import ActorFilterForm, ExampleFilterSet
from .models import Actor, Domain, Example, Objective
from .querystrings import query_with, redirect_without_empty


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        published = Example.objects.published()
        return super().get_context_data(
            figures=facets.current_index().figures,
            # Newest first: ids grow with creation, and the primary key is indexed.
            latest_examples=published.with_related().order_by("-pk")[:6],
            odd_list=Objective.objects.filter(family=ObjectiveFamily.ODD),
            domains=Domain.objects.all(),
            **kwargs,
        )


class ExampleListView(TemplateView):
    """The filtered list: the URL is the permalink of what is shown."""

    template_name = "catalogue/example_list.html"

    def get(self, request, *args, **kwargs):
        return redirect_without_empty(request) or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        params = self.request.GET
        filterset = ExampleFilterSet(params)
        valid = filterset.is_valid()
        matches = selectors.example_matches(filterset) if valid else None
        counts = selectors.facet_counts(matches) if valid else {}
        # A filter that cannot be applied shows its error and no results, never everything.
        ordered = selectors.ordered_results(filterset, matches) if valid else []
        # The page's ids first (a narrow sort), then its rows and their relations.
        paginator = Paginator(ordered, settings.EXAMPLES_PER_PAGE)
        page_number = filterset.form.cleaned_data.get("page") if valid else 1
        page = paginator.get_page(page_number or 1)
        page.object_list = Example.objects.for_cards().in_order(list(page.object_list))
        search_text = filterset.valid_data.get("q") or ""
        plan = filterset.search_plan if search_text else search.SearchPlan()
        # Words found beside those typed: corrections, other numbers, synonyms.
        added = [t.typed[0] for c in plan.clauses for t in c.positive if len(t.typed) == 1]
        return super().get_context_data(
            filterset=filterset,
            form=filterset.form,
            page_obj=page,
            paginator=paginator,
            examples=page.object_list,
            is_paginated=paginator.num_pages > 1,
            query_without_page=query_with(params)[1:],
            search_text=search_text,
            # The words to mark in the results: those typed and those found beside them.
            highlight_text=" ".join([search_text, *added]),
            search_plan=plan,
            # The words as typed: what undoes corrections, synonyms and words left out.
            exact_query=query_with(params, exact="1"),
            suggestions=no_results.suggestions(filterset, matches, params) if valid else [],
            sort_choice=ordering.sort_choice(filterset.valid_data),
            facets=facet_groups(filterset, counts) if valid else [],
            territory_choices=territory_choices(filterset, counts),
            active_filters=active_filters(filterset, params) if valid else [],
            **kwargs,
        )


def facet_groups(filterset, counts):
    """The checkbox facets, each value with the number of results choosing it gives."""
    data = filterset.form.cleaned_data
    groups = []
    for name in ("type_acteur", "domaine", "odd", "objectif", "type_partenariat", "echelle"):
        selected = set(data.get(name) or [])
        field = filterset.form.fields[name]
        options = [
            {
                "value": value,
                "label": label,
                "count": counts.get(name, {}).get(value, 0),
                "selected": value in selected,
            }
            for value, label in field.choices
        ]
        groups.append({"name": name, "label": field.label, **split_long_facet(options)})
    return groups


# A facet longer than this shows its most frequent values and the rest behind "voir tout".
FACET_SHOWN = 6


def split_long_facet(options):
    """{"options": the values shown first, "more": the others}: for a long facet, the
    chosen values and the most frequent, in the facet's own order."""
    if len(options) <= FACET_SHOWN + 2:
        return {"options": options, "more": []}
    ranked = sorted(options, key=lambda o: (not o["selected"], -o["count"]))
    shown = {id(o) for o in ranked[: max(FACET_SHOWN, sum(o["selected"] for o in options))]}
    return {
        "options": [o for o in options if id(o) in shown],
        "more": [o for o in options if id(o) not in shown],
    }


def territory_choices(filterset, counts):
    """Régions, each followed by its départements, with their counts; and a deeper
    territory (EPCI, commune) when one is selected."""
    selected = filterset.form.cleaned_data.get("territoire") if filterset.is_valid() else None
    options = filterset.territory_options.values()
    regions = sorted(
        (t for t in options if t.level == TerritoryLevel.REGION), key=lambda t: sort_key(t.name)
    )
    departements = [t for t in options if t.level == TerritoryLevel.DEPARTEMENT]
    groups = []
    for region in regions:
        children = sorted(
            (d for d in departements if d.parent_id == region.pk), key=lambda d: d.code
        )
        groups.append(
            {
                "region": region,
                "count": counts.get("region", {}).get(region.slug, 0),
                "departements": [
                    (d, counts.get("departement", {}).get(d.slug, 0)) for d in children
                ],
            }
        )
    deeper = selected if selected and selected.level in ("epci", "commune") else None
    return {"groups": groups, "selected": selected, "deeper": deeper}


def active_filters(filterset, params):
    """Each active filter value with the link that removes it."""
    return [
        {"label": label, "remove_url": query_with(params, drop_value=(name, value))}
        for name, value, label in active_filter_labels(filterset, params)
    ]


class ExampleDetailView(DetailView):
    template_name = "catalogue/example_detail.html"
    context_object_name = "example"

    def get_queryset(self):
        return Example.objects.published().with_related()

    def get_context_data(self, **kwargs):
        trail = self.object.territory.trail()
        return super().get_context_data(
            nearby_examples=nearby.examples_near(self.object, trail), ancestors=trail, **kwargs
        )


class ActorListView(TemplateView):
    """The actors of published examples, in French name order, found by name and type."""

    template_name = "catalogue/actor_list.html"
    paginate_by = selectors.ACTORS_PER_PAGE

    def get(self, request, *args, **kwargs):
        return redirect_without_empty(request) or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = ActorFilterForm(self.request.GET)
        # A bad value shows its error and no actors, never every actor.
        ids = selectors.actor_ids(form.cleaned_data) if form.is_valid() else []
        paginator = Paginator(ids, self.paginate_by)
        page = paginator.get_page(form.cleaned_data.get("page") if form.is_valid() else 1)
        page.object_list = (
            Actor.objects.with_published_examples().with_related().in_order(list(page.object_list))
        )
        return super().get_context_data(
            form=form,
            actors=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            query_without_page=query_with(self.request.GET)[1:],
            **kwargs,
        )


class ActorDetailView(DetailView):
    template_name = "catalogue/actor_detail.html"
    context_object_name = "actor"

    def get_queryset(self):
        # An actor seen only in drafts answers like one that does not exist.
        return Actor.objects.public().with_related()

    def get_context_data(self, **kwargs):
        examples = (
            Example.objects.published()
            .with_related()
            .filter(partnerships__actor=self.object)
            .order_by("-start_year", "-pk")
        )
        return super().get_context_data(examples=examples, **kwargs)


class FacetIndexView(TemplateView):
    """Every value of one facet (domains, ODD) with its number of published examples."""

    facet = ""

    def get_context_data(self, **kwargs):
        index = facets.current_index()
        counts = index.counts(self.facet, index.all)
        items = [(item, counts.get(self.count_key(item), 0)) for item in self.get_items()]
        return super().get_context_data(items=items, **kwargs)


class DomainListView(FacetIndexView):
    template_name = "catalogue/domain_list.html"
    facet = "domaine"

    def get_items(self):
        return Domain.objects.all()

    def count_key(self, domain):
        return domain.slug


class OddListView(FacetIndexView):
    template_name = "catalogue/odd_list.html"
    facet = "odd"

    def get_items(self):
        return Objective.objects.filter(family=ObjectiveFamily.ODD)

    def count_key(self, objective):
        return str(objective.number)


class ExampleSubsetView(DetailView):
    """A page about a domain, an ODD or a territory, with its first examples and a link
    to the full filtered list."""

    preview_size = 25
    filter_name = ""

    def list_query(self):
        return QueryDict.fromkeys([self.filter_name], value=self.filter_value()).urlencode()

    def get_context_data(self, **kwargs):
        # The list's own FilterSet: its facet index counts, its order, the same numbers as
        # the list this page links to.
        filterset = ExampleFilterSet(QueryDict(self.list_query()))
        if not filterset.is_valid():
            raise Http404(filterset.errors)
        matches = selectors.example_matches(filterset)
        counts = selectors.facet_counts(matches)
        first = list(selectors.ordered_ids(filterset, matches)[: self.preview_size])
        return super().get_context_data(
            examples=Example.objects.for_cards().in_order(first),
            example_count=counts["total"][""],
            facet_counts=counts,
            facet_index=matches.index,
            filterset=filterset,
            list_url=f"/exemples/?{self.list_query()}",
            list_query=self.list_query(),
            **kwargs,
        )


class DomainDetailView(ExampleSubsetView):
    template_name = "catalogue/domain_detail.html"
    context_object_name = "domain"
    model = Domain
    filter_name = "domaine"

    def filter_value(self):
        return self.object.slug


class OddDetailView(ExampleSubsetView):
    template_name = "catalogue/odd_detail.html"
    context_object_name = "objective"
    filter_name = "odd"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Objective, family=ObjectiveFamily.ODD, number=self.kwargs["number"]
        )

    def filter_value(self):
        return self.object.number
