from django.contrib import admin
from django.db.models import Case, F, Q, Value, When

from french.collation import french_order
from french.text import fold

from .models import Territory, TerritoryLevel

# Higher levels first when names tie: the région before the département, before communes.
LEVEL_RANK = Case(
    *[When(level=level, then=Value(rank)) for rank, level in enumerate(TerritoryLevel.values)],
    default=Value(len(TerritoryLevel.values)),
)


def search_territories(queryset, search_term):
    """The territories whose folded name holds every word typed (or whose INSEE code starts
    with it), best match first: the whole name or code, then the higher level, then the
    beginning of the name, then the larger population.

    Accents, case and hyphens are ignored ("ile de france" finds Île-de-France) through the
    indexed `folded_name`. (Control characters never get here: see
    impact_alliances.middleware.)
    """
    words = fold(search_term).split()
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(
            Q(folded_name__contains=word) | Q(code__startswith=word.upper()) | Q(slug=word)
        )
    spaced = " ".join(words)
    names = {spaced, spaced.replace(" ", "-")}
    whole = Q(folded_name__in=names) | Q(code=spaced.upper()) | Q(slug=spaced)
    beginning = Q(folded_name__startswith=spaced) | Q(
        folded_name__startswith=spaced.replace(" ", "-")
    )
    return queryset.order_by(
        Case(When(whole, then=Value(0)), default=Value(1)),
        LEVEL_RANK,
        Case(When(beginning, then=Value(0)), default=Value(1)),
        F("population").desc(nulls_last=True),
        french_order("name"),
        "pk",
    )


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    """Territories are INSEE's reference data: they change only through
    `load_reference_data`, which computes their paths and folded names. The admin shows
    them (and autocompletes them) but lets no one add, change or delete one: a territory
    added here would have no path, and filtering on it would return every example."""

    list_display = ["name", "level", "code", "slug", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    filter_horizontal = ["member_of"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        # Autocompletes keep this order; the change list applies its own.
        return search_territories(queryset, search_term), False
