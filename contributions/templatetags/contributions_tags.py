from urllib.parse import urlencode

from django import template
from django.urls import reverse

from catalogue.choices import ExampleOrigin, ExampleStatus
from catalogue.models import Example

register = template.Library()


@register.inclusion_tag("admin/contributions/pending_proposals.html")
def pending_proposals():
    """The drafts proposed by the public that wait for a curator, on the admin home."""
    url = reverse("admin:catalogue_example_changelist")
    query = urlencode(
        {"origin__exact": ExampleOrigin.PUBLIC, "status__exact": ExampleStatus.BROUILLON}
    )
    return {
        "count": Example.objects.filter(
            origin=ExampleOrigin.PUBLIC, status=ExampleStatus.BROUILLON
        ).count(),
        "url": f"{url}?{query}",
    }
