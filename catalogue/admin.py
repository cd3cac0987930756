"""The curators' and administrators' back office: lists, filters, edit forms, imports."""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from french.collation import french_order

from . import changes, locking, services
from .admin_filters import (
    ActorTypeFilter,
    CheckedChoicesFilter,
    CheckedRelatedFilter,
    OddFilter,
    RegionFilter,
    ToReverifyFilter,
)
from .admin_search import ActorSearchMixin, ReferenceSearchMixin
from .admin_sheets import CuratorImportExportAdmin
from .choices import ExampleStatus
from .models import (
    Actor,
    Domain,
    Example,
    Objective,
    Partnership,
    PartnershipType,
    SynonymGroup,
)
from .sheets.actors import ActorResource
from .sheets.examples import ExampleResource


class WritePathMixin:
    """A form, a deletion or an action sent to the admin is one write of the write path
    (catalogue.changes), in the name of the person who sent it: what it changed is indexed
    and published once, when it ends. Pages only read: no transaction for them."""

    def changeform_view(self, request, *args, **kwargs):
        return self._written(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._written(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._written(request, super().changelist_view, *args, **kwargs)

    def _written(self, request, view, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with changes.writing():
            return view(request, *args, **kwargs)


class ReferenceAdmin(WritePathMixin, ReferenceSearchMixin, admin.ModelAdmin):
    """A reference list (objectives, domains, partnership types): a change rebuilds the facet
    indexes; a rename or a deletion reindexes the examples that carry the value."""

    def save_model(self, request, obj, form, change):
        with changes.writing() as write:
            examples = list(obj.examples.values_list("pk", flat=True)) if change else []
            super().save_model(request, obj, form, change)
            write.rebuild(reindex=examples)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with changes.writing() as write:
            through = queryset.model.examples.through
            column = through._meta.get_field(queryset.model._meta.model_name).attname
            examples = list(
                through.objects.filter(**{f"{column}__in": queryset.values("pk")}).values_list(
                    "example_id", flat=True
                )
            )
            # The examples lose the value: a form opened before is refused.
            locking.bump_examples(examples, user=request.user)
            super().delete_queryset(request, queryset)
            write.rebuild(reindex=examples)


# Reference data: administrators edit it; curators only read it (autocomplete needs that).


@admin.register(Objective)
class ObjectiveAdmin(ReferenceAdmin):
    list_display = ["__str__", "family", "number", "color"]
    list_filter = [("family", CheckedChoicesFilter)]
    search_fields = ["name", "short_name", "number"]
    name_fields = ("short_name", "number")


@admin.register(Domain)
class DomainAdmin(ReferenceAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PartnershipType)
class PartnershipTypeAdmin(ReferenceAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """The search's synonyms: saved, they apply to the next search of every worker
    (catalogue.search_words.synonyms); no cached list page keeps them longer than
    PUBLIC_PAGE_CACHE_SECONDS."""

    list_display = ["__str__", "updated_at"]
    search_fields = ["words"]


# Actors.


@admin.register(Actor)
class ActorAdmin(WritePathMixin, ActorSearchMixin, CuratorImportExportAdmin):
    resource_classes = [ActorResource]
    list_display = ["name", "actor_type", "territory", "siren", "rna", "example_count"]
    list_filter = [("actor_type", CheckedChoicesFilter), RegionFilter]
    search_fields = ["name", "slug", "siren", "rna"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "name", "slug", "actor_type", "siren", "rna", "website", "territory", "description",
        "created_at", "updated_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        # The annotation drops Meta.ordering: keep a stable order for lists and autocomplete.
        return (
            super()
            .get_queryset(request)
            .annotate(example_count=Count("partnerships"))
            .order_by(french_order("name"), "pk")
        )

    @admin.display(description=_("exemples"), ordering="example_count")
    def example_count(self, actor):
        return actor.example_count

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["slug"].help_text = _("Laissé vide, il est tiré du nom.")
        return form

    def save_model(self, request, obj, form, change):
        with changes.writing() as write:
            if change and form.has_changed():
                # Its name and type are in its examples' documents and facets; its page shows
                # the rest.
                write.actor_changed(obj.pk, obj.partnerships.values_list("example_id", flat=True))
            super().save_model(request, obj, form, change)


# Examples.


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 1
    autocomplete_fields = ["actor"]
    fields = ["actor", "role", "position"]

    def has_delete_permission(self, request, obj=None):
        # Removing a partner changes the example; it deletes no catalogue data.
        return self.has_change_permission(request, obj)


class ExampleAdminForm(forms.ModelForm):
    """The edit form, with the version it was opened at (optimistic locking)."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=_("site web"), required=False, assume_scheme="https")

    class Meta:
        model = Example
        fields = [
            "title", "summary", "description", "status", "territory", "scale", "start_year",
            "end_year", "website", "domains", "objectives", "partnership_types", "reference",
            "slug", "verified_on",
        ]  # fmt: skip
        widgets = {"partnership_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
        for name in ("slug", "reference"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            services.check_version(example=self.instance, expected=cleaned.get("opened_version"))
        return cleaned


@admin.register(Example)
class ExampleAdmin(WritePathMixin, CuratorImportExportAdmin):
    resource_classes = [ExampleResource]
    form = ExampleAdminForm
    list_display = [
        "reference", "title", "status", "territory", "start_year", "verified_on", "updated_by",
        "updated_at", "public_link",
    ]  # fmt: skip
    list_display_links = ["reference", "title"]
    list_filter = [
        ("status", CheckedChoicesFilter), RegionFilter, ActorTypeFilter,
        ("domains", CheckedRelatedFilter), OddFilter,
        ("partnership_types", CheckedRelatedFilter), ToReverifyFilter,
        ("scale", CheckedChoicesFilter), ("origin", CheckedChoicesFilter),
    ]  # fmt: skip
    search_fields = ["reference", "title", "summary", "territory__name", "partners__name"]
    list_select_related = ["territory", "updated_by"]
    autocomplete_fields = ["territory", "domains", "objectives"]
    readonly_fields = [
        "origin", "created_at", "created_by", "updated_at", "updated_by", "version",
    ]  # fmt: skip
    inlines = [PartnershipInline]
    actions = ["publish", "unpublish", "archive", "mark_verified"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "description", "status", "opened_version"]}),
        (
            _("Lieu et dates"),
            {"fields": ["territory", "scale", ("start_year", "end_year"), "website"]},
        ),
        (_("Classement"), {"fields": ["domains", "objectives", "partnership_types"]}),
        (
            _("Suivi"),
            {
                "fields": [
                    "reference",
                    "slug",
                    "origin",
                    "verified_on",
                    ("created_at", "created_by"),
                    ("updated_at", "updated_by"),
                    "version",
                ]
            },
        ),
    ]

    def view_on_site(self, example):
        """Only published examples have a public page. A form sent back with errors may
        hold an emptied slug (filled from the title only on save): no link then."""
        if example.status == ExampleStatus.PUBLIE and example.slug:
            return example.get_absolute_url()
        return None

    @admin.display(description=_("sur le site"))
    def public_link(self, example):
        url = self.view_on_site(example)
        if not url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("voir"))

    def save_model(self, request, obj, form, change):
        services.save_example(
            example=obj,
            user=request.user,
            is_new=not change,
            expected_version=form.cleaned_data.get("opened_version"),
            public=form.has_changed(),
        )

    def save_related(self, request, form, formsets, change):
        # save_model advanced the version once for the whole form, its lists and partners.
        with changes.writing() as write:
            if any(formset.has_changed() for formset in formsets):
                write.examples([form.instance.pk])
            super().save_related(request, form, formsets, change)

    def get_deleted_objects(self, objs, request):
        """What deleting these examples deletes, for the confirmation page, in a fixed number
        of queries (Django's own listing reads each partner's actor one by one)."""
        examples = list(objs)
        partners = defaultdict(list)
        links = Partnership.objects.filter(example__in=examples).select_related("actor")
        for partnership in links:
            partners[partnership.example_id].append(str(partnership))
        to_delete = []
        for example in examples:
            url = reverse("admin:catalogue_example_change", args=[example.pk])
            to_delete += [format_html('{} : <a href="{}">{}</a>', _("Exemple"), url, example)]
            to_delete.append(partners[example.pk])
        count = {Example._meta.verbose_name_plural: len(examples)}
        perms_needed = set()
        if not self.has_delete_permission(request):
            perms_needed.add(Example._meta.verbose_name)
        if partners:
            count[Partnership._meta.verbose_name_plural] = sum(map(len, partners.values()))
            if not request.user.has_perm("catalogue.delete_partnership"):
                perms_needed.add(Partnership._meta.verbose_name)
        return to_delete, count, perms_needed, []

    def delete_model(self, request, obj):
        services.delete_examples(examples=[obj], user=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_examples(examples=queryset, user=request.user)

    def _change(self, request, queryset, **kwargs):
        count = kwargs.pop("service")(examples=queryset, user=request.user, **kwargs)
        self.message_user(
            request,
            ngettext("%(count)s exemple modifié.", "%(count)s exemples modifiés.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publier"), permissions=["change"])
    def publish(self, request, queryset):
        self._change(request, queryset, service=services.set_status, status=ExampleStatus.PUBLIE)

    @admin.action(description=_("Dépublier (remettre en brouillon)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._change(request, queryset, service=services.set_status, status=ExampleStatus.BROUILLON)

    @admin.action(description=_("Archiver"), permissions=["change"])
    def archive(self, request, queryset):
        self._change(request, queryset, service=services.set_status, status=ExampleStatus.ARCHIVE)

    @admin.action(description=_("Marquer comme vérifié aujourd'hui"), permissions=["change"])
    def mark_verified(self, request, queryset):
        self._change(request, queryset, service=services.mark_verified)


@admin.register(Partnership)
class PartnershipAdmin(WritePathMixin, admin.ModelAdmin):
    """A partnership edited on its own changes its example (or two, when it moves): they are
    reindexed, and their edit forms opened before are refused (catalogue.locking)."""

    list_display = ["example", "actor", "role"]
    list_filter = [("role", CheckedChoicesFilter)]
    search_fields = ["example__title", "actor__name"]
    list_select_related = ["example", "actor"]
    autocomplete_fields = ["example", "actor"]

    def save_model(self, request, obj, form, change):
        with changes.writing() as write:
            examples = {obj.example_id}
            if change:
                examples |= set(
                    Partnership.objects.filter(pk=obj.pk).values_list("example_id", flat=True)
                )
            write.examples(examples)
            super().save_model(request, obj, form, change)
            locking.bump_examples(examples, user=request.user)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Partnership.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with changes.writing() as write:
            examples = set(queryset.values_list("example_id", flat=True))
            write.examples(examples)
            queryset.delete()
            locking.bump_examples(examples, user=request.user)
