from django.contrib import admin

from .models import Actor, Domain, Example, Objective, Partnership, PartnershipType


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "family", "number", "color"]
    list_filter = ["family"]
    search_fields = ["name", "short_name"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PartnershipType)
class PartnershipTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "actor_type", "territory", "siren", "rna"]
    list_filter = ["actor_type"]
    search_fields = ["name", "siren", "rna"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory"]


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 1
    autocomplete_fields = ["actor"]


@admin.register(Example)
class ExampleAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "status", "territory", "start_year", "updated_at"]
    list_filter = ["status", "scale", "domains", "partnership_types"]
    search_fields = ["reference", "title", "summary"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory", "domains", "objectives"]
    filter_horizontal = ["partnership_types"]
    inlines = [PartnershipInline]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["example", "actor", "role"]
    list_filter = ["role"]
    search_fields = ["example__title", "actor__name"]
    list_select_related = ["example", "actor"]
    autocomplete_fields = ["example", "actor"]
