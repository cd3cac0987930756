"""The actors sheet: rows update by Identifiant (the actor's slug), create when blank."""

from collections import defaultdict

import tablib
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export import fields

from french.text import free_slug

from ..choices import ActorType
from ..models import Actor, Example
from .cells import (
    ChoiceWidget,
    RnaWidget,
    SirenWidget,
    TerritoryWidget,
    format_datetime,
    neutralise_formula,
    place_cells,
    place_names,
    read_only_field,
    text_field,
)
from .columns import (
    ACTOR_IMPORT_COLUMNS,
    ACTOR_READ_ONLY_COLUMNS,
    ACTOR_REQUIRED_COLUMNS,
    ACTOR_TYPE,
    DEPARTEMENT,
    IDENTIFIER,
    INSEE_CODE,
    NAME,
    PUBLIC_LINK,
    REGION,
    RNA,
    SIREN,
    TERRITORY,
    TERRITORY_NAME,
    UPDATED_AT,
    WEBSITE,
)
from .engine import FILE_ROW, SheetResource
from .lookups import Lookups, by_folded_name, fold


class ActorResource(SheetResource):
    """The actors sheet. Rows update by Identifiant (the actor's slug), create when blank."""

    def before_bulk_update(self, change, instances):
        """A renamed or retyped actor changes its examples' documents and facets."""
        from ..models import Partnership

        ids = [actor.pk for actor in instances]
        links = Partnership.objects.filter(actor_id__in=ids).order_by()
        change.examples(links.values_list("example_id", flat=True))
        change.actors.update(ids)

    def examples_written_since(self, moment):
        """A renamed actor changes the search document of its examples."""
        return Example.objects.filter(partnerships__actor__updated_at__gte=moment).values_list(
            "pk", flat=True
        )

    slug = text_field("slug", IDENTIFIER)
    name = text_field("name", NAME)
    actor_type = fields.Field(
        attribute="actor_type", column_name=ACTOR_TYPE, widget=ChoiceWidget(ActorType, ACTOR_TYPE)
    )
    siren = fields.Field(attribute="siren", column_name=SIREN, widget=SirenWidget())
    rna = fields.Field(attribute="rna", column_name=RNA, widget=RnaWidget())
    website = text_field("website", WEBSITE)
    territory = fields.Field(attribute="territory", column_name=TERRITORY, widget=TerritoryWidget())
    territory_name = read_only_field(TERRITORY_NAME)
    insee_code = read_only_field(INSEE_CODE)
    departement = read_only_field(DEPARTEMENT)
    region = read_only_field(REGION)
    public_link = read_only_field(PUBLIC_LINK)
    updated_at = read_only_field(UPDATED_AT)

    import_columns = ACTOR_IMPORT_COLUMNS
    read_only_columns = ACTOR_READ_ONLY_COLUMNS
    required_columns = ACTOR_REQUIRED_COLUMNS
    key_column = IDENTIFIER
    label_column = NAME
    bulk_extra_fields = ["updated_at", "folded_name"]

    class Meta:
        model = Actor
        name = "Acteurs"
        fields = (
            "slug", "name", "actor_type", "siren", "rna", "website", "territory",
            "territory_name", "insee_code", "departement", "region", "public_link", "updated_at",
        )  # fmt: skip
        import_order = export_order = fields
        import_id_fields = ("slug",)

    def preload(self, dataset):
        names = {fold(v) for v in self.column_values(dataset, NAME) if v}
        sirens = {SirenWidget().clean(v) for v in self.column_values(dataset, SIREN)} - {""}
        rnas = {RnaWidget().clean(v) for v in self.column_values(dataset, RNA)} - {""}
        self.lookups = Lookups(territory_values=self.column_values(dataset, TERRITORY))
        self.fields["territory"].widget.lookups = self.lookups
        self.by_siren = {a.siren: a for a in Actor.objects.filter(siren__in=sirens)}
        self.by_rna = {a.rna: a for a in Actor.objects.filter(rna__in=rnas)}
        self.by_name = defaultdict(list)
        for key, actors in by_folded_name(Actor.objects.all(), names).items():
            self.by_name[key].extend((a.pk, f"{a.name} [{a.slug}]") for a in actors)
        self.file_sirens, self.file_rnas = {}, {}
        self.taken_slugs = set(Actor.objects.order_by().values_list("slug", flat=True))

    def duplicate_warnings(self, instance, number, errors):
        line = number + 1
        for column, value, existing, seen in (
            (SIREN, instance.siren, self.by_siren, self.file_sirens),
            (RNA, instance.rna, self.by_rna, self.file_rnas),
        ):
            if not value or column in errors:
                continue
            other = existing.get(value)
            if other is not None and other.pk != instance.pk:
                errors[column] = [
                    _(
                        "Doublon : l'acteur « %(name)s » [%(slug)s] porte déjà ce numéro ; "
                        "indiquez son identifiant pour le modifier."
                    )
                    % {"name": other.name, "slug": other.slug}
                ]
            elif value in seen:
                errors[column] = [
                    _("Doublon : ce numéro figure déjà à la ligne %(line)s.")
                    % {"line": seen[value]}
                ]
            else:
                seen[value] = line
        warnings = []
        if NAME not in errors and instance.name:
            key = fold(instance.name)
            for pk, label in self.by_name[key]:
                if pk != instance.pk:
                    if pk == FILE_ROW:
                        warnings.append(
                            _("Doublon probable : même nom qu'à la %(w)s.") % {"w": label}
                        )
                    else:
                        warnings.append(
                            _("Doublon probable : même nom que l'acteur %(w)s.") % {"w": label}
                        )
            self.by_name[key].append((FILE_ROW, _("ligne %(line)s") % {"line": line}))
        return warnings

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is None and not instance.slug:
            instance.slug = free_slug(instance.name, taken=self.taken_slugs)
        instance.set_folded_name()  # bulk_create() and bulk_update() skip Actor.save()

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = Actor.objects.all()
        if isinstance(queryset, QuerySet):
            queryset = list(queryset.with_related())
        self.place_names = place_names()
        dataset = super().export(queryset=queryset, **kwargs)
        dataset.title = _("Acteurs")
        return dataset

    def dehydrate_territory_name(self, actor):
        return neutralise_formula(actor.territory.name) if actor.territory else ""

    def dehydrate_insee_code(self, actor):
        return actor.territory.code if actor.territory else ""

    def dehydrate_departement(self, actor):
        return place_cells(actor.territory.path, self.place_names)[0] if actor.territory else ""

    def dehydrate_region(self, actor):
        return place_cells(actor.territory.path, self.place_names)[1] if actor.territory else ""

    def dehydrate_public_link(self, actor):
        return settings.SITE_URL.rstrip("/") + actor.get_absolute_url()

    def dehydrate_updated_at(self, actor):
        return format_datetime(actor.updated_at)


def actors_dataset(queryset=None) -> tablib.Dataset:
    """Every actor of `queryset` in the columns of ACTOR_COLUMNS."""
    return ActorResource().export(queryset=queryset)
