"""Finding a territory by name, for the list filter and for its page."""

from django.db.models import Count, F, Q
from django.http import QueryDict
from django.views.generic import TemplateView

from catalogue.choices import ActorType
from catalogue.models import Domain, Example
from catalogue.querystrings import query_with
from catalogue.text import fold
from catalogue.views import ExampleSubsetView

from .models import Territory

MAX_RESULTS = 30


class TerritorySearchView(TemplateView):
    """A searchable field for the 37,000 territories: name or code in, links out."""

    template_name = "territoires/territory_search.html"

    def get_context_data(self, **kwargs):
        text = self.request.GET.get("q", "").strip()
        # The list filters to keep when a territory is chosen (only a query string).
        carried = QueryDict(self.request.GET.get("suite", ""), mutable=True)
        results = []
        folded = fold(text)
        if folded:
            results = list(
                Territory.objects.filter(Q(folded_name__startswith=folded) | Q(code=text.upper()))
                .select_related("parent")
                .order_by(F("population").desc(nulls_last=True), "name")[:MAX_RESULTS]
            )
        return super().get_context_data(
            query=text,
            suite=carried.urlencode(),
            results=[(t, "/exemples/" + query_with(carried, territoire=t.slug)) for t in results],
            **kwargs,
        )


class TerritoryDetailView(ExampleSubsetView):
    template_name = "territoires/territory_detail.html"
    context_object_name = "territory"
    model = Territory
    filter_name = "territoire"

    def filter_value(self):
        return self.object.slug

    def examples(self):
        return Example.objects.published().in_territory(self.object)

    def get_context_data(self, **kwargs):
        examples = self.examples()
        by_type = dict(
            examples.values_list("partnerships__actor__actor_type")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        by_domain = (
            Domain.objects.filter(examples__in=examples)
            .annotate(n=Count("examples", distinct=True))
            .order_by("-n", "name")
        )
        return super().get_context_data(
            ancestors=self.object.ancestors(),
            counts_by_type=[(label, by_type.get(value, 0)) for value, label in ActorType.choices],
            counts_by_domain=by_domain,
            **kwargs,
        )
