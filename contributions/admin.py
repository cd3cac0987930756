from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """The proposers' contacts, for curators only; the examples are edited in Exemples."""

    list_display = ["example_link", "email", "status", "created_at"]
    list_select_related = ["example"]
    search_fields = ["example__reference", "example__title", "email"]
    readonly_fields = ["example_link", "email", "consented_at", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("exemple"), ordering="example__reference")
    def example_link(self, proposal):
        url = reverse("admin:catalogue_example_change", args=[proposal.example_id])
        return format_html('<a href="{}">{}</a>', url, proposal)

    @admin.display(description=_("statut"), ordering="example__status")
    def status(self, proposal):
        return proposal.example.get_status_display()
