from django.contrib import admin

from .models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "slug", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    filter_horizontal = ["member_of"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete: the larger places first, so "Lille" finds the city before its namesakes.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.order_by("level", "-population", "name"), may_have_duplicates
