"""The examples sheet: its resource (import, admin export) and its rows for every export."""

import re
from collections import defaultdict

import tablib
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export import fields

from french.text import free_slug, sort_key

from .. import services
from ..choices import ActorType, ExampleStatus, ObjectiveFamily, Scale
from ..models import Actor, Domain, Example, Objective, Partnership, PartnershipType
from .cells import (
    ChoiceWidget,
    TerritoryWidget,
    YearWidget,
    checked_text,
    format_datetime,
    join_cell,
    neutralise_formula,
    place_cells,
    place_names,
    read_only_field,
    text_field,
)
from .columns import (
    ACTOR_TYPES,
    ALLIANCE,
    DEPARTEMENT,
    DESCRIPTION,
    DOMAINS,
    END_YEAR,
    EXAMPLE_COLUMNS,
    EXAMPLE_IMPORT_COLUMNS,
    EXAMPLE_READ_ONLY_COLUMNS,
    EXAMPLE_REQUIRED_COLUMNS,
    INSEE_CODE,
    ODD,
    PARTNERS,
    PARTNERSHIP_TYPES,
    PUBLIC_LINK,
    REFERENCE,
    REGION,
    SCALE,
    START_YEAR,
    STATUS,
    SUMMARY,
    TERRITORY,
    TERRITORY_NAME,
    TITLE,
    UPDATED_AT,
    WEBSITE,
)
from .engine import FILE_ROW, SheetResource
from .lookups import ROLE_RE, Lookups, fold, split_cell


def title_words(folded: str) -> frozenset:
    return frozenset(word for word in re.findall(r"\w+", folded) if len(word) > 2)


def similar_titles(a: tuple, b: tuple) -> bool:
    """Same folded title, or mostly the same words: « Jardin partagé des Moulins » twice."""
    if a[0] == b[0]:
        return True
    words_a, words_b = a[1], b[1]
    if len(words_a) < 2 or len(words_b) < 2:
        return False
    return len(words_a & words_b) / len(words_a | words_b) >= 0.75


class ExampleResource(SheetResource):
    """The examples sheet. Rows update by Référence and create when it is blank."""

    reference = text_field("reference", REFERENCE)
    title = text_field("title", TITLE)
    summary = text_field("summary", SUMMARY)
    description = text_field("description", DESCRIPTION)
    status = fields.Field(
        attribute="status", column_name=STATUS, widget=ChoiceWidget(ExampleStatus, STATUS)
    )
    territory = fields.Field(attribute="territory", column_name=TERRITORY, widget=TerritoryWidget())
    scale = fields.Field(
        attribute="scale", column_name=SCALE, widget=ChoiceWidget(Scale, SCALE, required=False)
    )
    start_year = fields.Field(attribute="start_year", column_name=START_YEAR, widget=YearWidget())
    end_year = fields.Field(attribute="end_year", column_name=END_YEAR, widget=YearWidget())
    domains = read_only_field(DOMAINS)
    odd = read_only_field(ODD)
    alliance = read_only_field(ALLIANCE)
    partnership_types = read_only_field(PARTNERSHIP_TYPES)
    partners = read_only_field(PARTNERS)
    website = text_field("website", WEBSITE)
    territory_name = read_only_field(TERRITORY_NAME)
    insee_code = read_only_field(INSEE_CODE)
    departement = read_only_field(DEPARTEMENT)
    region = read_only_field(REGION)
    actor_types = read_only_field(ACTOR_TYPES)
    public_link = read_only_field(PUBLIC_LINK)
    updated_at = read_only_field(UPDATED_AT)

    import_columns = EXAMPLE_IMPORT_COLUMNS
    read_only_columns = EXAMPLE_READ_ONLY_COLUMNS
    required_columns = EXAMPLE_REQUIRED_COLUMNS
    key_column = REFERENCE
    label_column = TITLE
    kept_when_blank = (STATUS,)
    bulk_extra_fields = ["updated_at", "updated_by", "version"]
    relation_columns = {
        DOMAINS: ("domains", "domains_in"),
        ODD: ("odd", "odd_in"),
        ALLIANCE: ("alliance", "alliance_in"),
        PARTNERSHIP_TYPES: ("partnership_types", "partnership_types_in"),
        PARTNERS: ("partners", "partners_in"),
    }

    class Meta:
        model = Example
        name = "Exemples"
        fields = (
            "reference", "title", "summary", "description", "status", "territory", "scale",
            "start_year", "end_year", "domains", "odd", "alliance", "partnership_types",
            "partners", "website", "territory_name", "insee_code", "departement", "region",
            "actor_types", "public_link", "updated_at",
        )  # fmt: skip
        import_order = export_order = fields
        import_id_fields = ("reference",)

    # Import.

    def preload(self, dataset):
        actor_values = set()
        for cell in self.column_values(dataset, PARTNERS):
            for part in split_cell(cell):
                actor_values.add(part)
                match = ROLE_RE.match(part)
                if match:
                    actor_values.add(match.group("name"))
        self.lookups = Lookups(
            territory_values=self.column_values(dataset, TERRITORY), actor_values=actor_values
        )
        self.fields["territory"].widget.lookups = self.lookups
        territory_ids = {t.pk for t in self.lookups.territories_by_slug.values()}
        territory_ids |= {t.pk for ts in self.lookups.territories_by_name.values() for t in ts}
        territory_ids |= {t.pk for t in self.lookups.territories_by_code.values()}
        self.titles_by_territory = defaultdict(list)
        for pk, reference, title, territory_id in Example.objects.filter(
            territory_id__in=territory_ids
        ).values_list("pk", "reference", "title", "territory_id"):
            folded = fold(title)
            self.titles_by_territory[territory_id].append(
                (pk, reference, (folded, title_words(folded)))
            )
        self.taken_slugs = set(Example.objects.order_by().values_list("slug", flat=True))

    def parse_relations(self, row):
        relations, errors = {}, {}
        for column, (key, parser) in self.relation_columns.items():
            if column not in row:
                continue
            try:
                relations[key] = getattr(self.lookups, parser)(checked_text(row[column]))
            except ValueError as error:  # UnknownValue, or a formula
                errors[column] = [str(error)]
        return relations, errors

    def relations_snapshot(self, instance):
        objectives = list(instance.objectives.all())
        return {
            DOMAINS: frozenset(d.pk for d in instance.domains.all()),
            ODD: frozenset(o.pk for o in objectives if o.family == ObjectiveFamily.ODD),
            ALLIANCE: frozenset(o.pk for o in objectives if o.family == ObjectiveFamily.ALLIANCE),
            PARTNERSHIP_TYPES: frozenset(p.pk for p in instance.partnership_types.all()),
            PARTNERS: tuple((p.actor_id, p.role) for p in instance.partnerships.all()),
        }

    def relations_values(self, relations):
        values = {}
        for column, (key, _parser) in self.relation_columns.items():
            if key not in relations:
                continue
            if key == "partners":
                values[column] = tuple((a.pk, role) for a, role in relations[key])
            else:
                values[column] = frozenset(row.pk for row in relations[key])
        return values

    def duplicate_warnings(self, instance, number, errors):
        if TITLE in errors or TERRITORY in errors or not instance.territory_id:
            return []
        folded = fold(instance.title)
        key = (folded, title_words(folded))
        warnings = []
        for pk, reference, other in self.titles_by_territory[instance.territory_id]:
            if pk == instance.pk or not similar_titles(key, other):
                continue
            if pk == FILE_ROW:
                warnings.append(
                    _("Doublon probable : titre proche de la ligne %(line)s, même territoire.")
                    % {"line": reference}
                )
            else:
                warnings.append(
                    _(
                        "Doublon probable : titre proche de l'exemple %(reference)s, "
                        "même territoire."
                    )
                    % {"reference": reference}
                )
        self.titles_by_territory[instance.territory_id].append((FILE_ROW, number + 1, key))
        return warnings

    def extra_checks(self, instance, errors):
        if instance.territory_id is None and TERRITORY not in errors:
            errors[TERRITORY].append(_("Valeur obligatoire."))
        if instance.end_year and instance.start_year and instance.end_year < instance.start_year:
            errors[END_YEAR].append(
                _("L'année de fin doit être égale ou postérieure à l'année de début.")
            )

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        is_new = instance.pk is None
        if is_new and not instance.slug:
            instance.slug = free_slug(instance.title, taken=self.taken_slugs)
        if is_new:
            instance.reference = None
            self.created.append(instance)
        services.stamp_example(example=instance, user=self.user, is_new=is_new)

    def after_import(self, dataset, result, **kwargs):
        # bulk_create() has run (Example.save() has not): give the new examples a reference.
        if self._meta.use_bulk and not result.has_errors() and not result.has_validation_errors():
            services.assign_references(examples=[e for e in self.created if e.pk])
        self.created = []
        super().after_import(dataset, result, **kwargs)

    def before_bulk_update(self, change, instances):
        """Check, rows locked, that nobody changed these examples since they were read (each
        was stamped with the version it was read at, plus one), then name them."""
        read = {example.pk: example.version - 1 for example in instances}
        current = Example.objects.select_for_update().filter(pk__in=list(read)).order_by()
        stale = sorted(
            reference
            for pk, version, reference in current.values_list("pk", "version", "reference")
            if version != read[pk]
        )
        if stale:
            raise services.StaleRows(
                _(
                    "Rien n'a été enregistré : %(references)s ont été modifiés par quelqu'un "
                    "d'autre pendant l'import. Relancez l'import pour partir de leur état "
                    "actuel."
                )
                % {"references": ", ".join(stale[:20])}
            )
        change.examples(read)

    def examples_written_since(self, moment):
        return Example.objects.filter(updated_at__gte=moment).values_list("pk", flat=True)

    # Export.

    def export(self, queryset=None, **kwargs):
        """The admin export: every column, from the same rows as the public exports."""
        if queryset is None:
            queryset = Example.objects.all()
        if not isinstance(queryset, QuerySet):
            queryset = Example.objects.filter(pk__in=[example.pk for example in queryset])
        return tablib.Dataset(*example_rows(queryset), headers=EXAMPLE_COLUMNS, title=_("Exemples"))


def ambiguous_actor_names() -> set[str]:
    """Folded names that several actors share: exports write their slug instead (one query)."""
    seen, repeated = set(), set()
    for name in Actor.objects.values_list("name", flat=True):
        key = fold(name)
        (repeated if key in seen else seen).add(key)
    return repeated


def label_for_actor(name: str, slug: str, ambiguous: set[str]) -> str:
    """How a partners cell names an actor: its name, or its slug when the name would not do."""
    if ";" in name or fold(name) in ambiguous or name != name.strip():
        return slug
    return name


EXPORT_CHUNK_SIZE = 2000


def example_rows(queryset):
    """Each example of `queryset`, in its order, as the cells of EXAMPLE_COLUMNS.

    A generator reading plain values 2,000 examples at a time (six queries a chunk, no
    model instances): a CSV of 100,000 rows streams in bounded memory. The cells are those
    that the import reads back unchanged.
    """
    domains = dict(Domain.objects.values_list("pk", "name"))
    partnership_types = dict(PartnershipType.objects.values_list("pk", "name"))
    objectives = {o.pk: o for o in Objective.objects.all()}
    ambiguous = ambiguous_actor_names()
    places = place_names()
    link = settings.SITE_URL.rstrip("/") + reverse("catalogue:example_detail", args=["SLUG"])
    statuses = {value: str(label) for value, label in ExampleStatus.choices}
    scales = {value: str(label) for value, label in Scale.choices}
    actor_types = {value: str(label) for value, label in ActorType.choices}
    base = queryset.values_list(
        "pk", "reference", "title", "summary", "description", "status", "territory__slug",
        "scale", "start_year", "end_year", "website", "territory__name", "slug", "updated_at",
        "territory__code", "territory__path",
    )  # fmt: skip
    chunk = []
    for values in base.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        chunk.append(values)
        if len(chunk) == EXPORT_CHUNK_SIZE:
            yield from _example_chunk(chunk, domains, partnership_types, objectives, ambiguous,
                                      places, link, statuses, scales, actor_types)  # fmt: skip
            chunk = []
    if chunk:
        yield from _example_chunk(chunk, domains, partnership_types, objectives, ambiguous,
                                  places, link, statuses, scales, actor_types)  # fmt: skip


def _related(through, ids, target):
    found = defaultdict(list)
    for example_id, target_id in through.objects.filter(example_id__any_of=ids).values_list(
        "example_id", target
    ):
        found[example_id].append(target_id)
    return found


def _example_chunk(chunk, domains, partnership_types, objectives, ambiguous, places, link,
                   statuses, scales, actor_types):  # fmt: skip
    ids = [values[0] for values in chunk]
    example_domains = _related(Example.domains.through, ids, "domain_id")
    example_objectives = _related(Example.objectives.through, ids, "objective_id")
    example_types = _related(Example.partnership_types.through, ids, "partnershiptype_id")
    partners = defaultdict(list)
    for example_id, name, slug, actor_type, role in (
        Partnership.objects.filter(example_id__any_of=ids)
        .order_by("position", "pk")
        .values_list("example_id", "actor__name", "actor__slug", "actor__actor_type", "role")
    ):
        partners[example_id].append((name, slug, actor_type, role))
    for (pk, reference, title, summary, description, status, territory, scale, start_year,
         end_year, website, territory_name, slug, updated_at, code, path) in chunk:  # fmt: skip
        chosen = sorted((objectives[o] for o in example_objectives[pk]), key=lambda o: o.number)
        yield [
            neutralise_formula(reference or ""),
            neutralise_formula(title or ""),
            neutralise_formula(summary or ""),
            neutralise_formula(description or ""),
            statuses.get(status, ""),
            territory,
            scales.get(scale, ""),
            start_year if start_year is not None else "",
            end_year if end_year is not None else "",
            join_cell(sorted((domains[d] for d in example_domains[pk]), key=sort_key)),
            join_cell(f"ODD {o.number}" for o in chosen if o.family == ObjectiveFamily.ODD),
            join_cell(o.short_name for o in chosen if o.family == ObjectiveFamily.ALLIANCE),
            join_cell(sorted((partnership_types[t] for t in example_types[pk]), key=sort_key)),
            join_cell(
                f"{label_for_actor(name, slug, ambiguous)} ({role})"
                for name, slug, _type, role in partners[pk]
            ),
            neutralise_formula(website or ""),
            neutralise_formula(territory_name),
            code,
            *place_cells(path, places),
            join_cell(actor_types[t] for t in dict.fromkeys(p[2] for p in partners[pk])),
            link.replace("SLUG", slug),
            format_datetime(updated_at),
        ]


def examples_dataset(queryset=None) -> tablib.Dataset:
    """Every example of `queryset` in the columns of EXAMPLE_COLUMNS, in a fixed number of
    queries whatever the number of rows."""
    return ExampleResource().export(queryset=queryset)
