"""Public pages of territories."""

from django.views.generic import DetailView

from catalogue.models import Example

from .models import Territory


class TerritoryDetailView(DetailView):
    template_name = "territoires/territory_detail.html"
    context_object_name = "territory"
    model = Territory

    def get_context_data(self, **kwargs):
        examples = Example.objects.published().with_related().in_territory(self.object)
        return super().get_context_data(
            ancestors=self.object.ancestors(), examples=examples[:50], **kwargs
        )
