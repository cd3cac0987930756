"""The spreadsheet columns of the catalogue: the only place that says which columns exist.

Every export writes these columns and every import reads them, so that exporting a list and
importing the file back changes nothing (docs/import-export.md). Headers are part of the
file format, in French, and are matched on import without regard to case, accents or
spacing. An export view needs `examples_dataset()` / `actors_dataset()`, the column lists
and `neutralise_formula()`.
"""

import re
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import RowResult

from territoires.models import Territory, TerritoryLevel

from . import locking, search_index, services
from .choices import ActorType, ExampleStatus, ObjectiveFamily, Scale
from .lookups import ROLE_RE, Lookups, UnknownValue, by_folded_name, fold, split_cell
from .models import Actor, Example
from .spreadsheets import Formula
from .text import free_slug, sort_key

# Examples: the columns an import reads, in the order an export writes them.
REFERENCE = "Référence"
TITLE = "Titre"
SUMMARY = "Résumé"
DESCRIPTION = "Description"
STATUS = "Statut"
TERRITORY = "Territoire"
SCALE = "Échelle"
START_YEAR = "Année de début"
END_YEAR = "Année de fin"
DOMAINS = "Domaines"
ODD = "ODD"
ALLIANCE = "Objectifs d'alliance"
PARTNERSHIP_TYPES = "Types de partenariat"
PARTNERS = "Partenaires"
WEBSITE = "Site web"
# Written by exports, ignored by imports.
TERRITORY_NAME = "Nom du territoire"
INSEE_CODE = "Code INSEE"
DEPARTEMENT = "Département"
REGION = "Région"
ACTOR_TYPES = "Types d'acteurs"
PUBLIC_LINK = "Lien public"
UPDATED_AT = "Modifié le"

EXAMPLE_IMPORT_COLUMNS = [
    REFERENCE, TITLE, SUMMARY, DESCRIPTION, STATUS, TERRITORY, SCALE, START_YEAR, END_YEAR,
    DOMAINS, ODD, ALLIANCE, PARTNERSHIP_TYPES, PARTNERS, WEBSITE,
]  # fmt: skip
# Where the territory lies, for pivot tables: its INSEE code, département and région.
PLACE_COLUMNS = [INSEE_CODE, DEPARTEMENT, REGION]
EXAMPLE_READ_ONLY_COLUMNS = [TERRITORY_NAME, *PLACE_COLUMNS, ACTOR_TYPES, PUBLIC_LINK, UPDATED_AT]
EXAMPLE_COLUMNS = EXAMPLE_IMPORT_COLUMNS + EXAMPLE_READ_ONLY_COLUMNS
EXAMPLE_REQUIRED_COLUMNS = [TITLE, TERRITORY, START_YEAR]

# Actors: their own sheet. « Identifiant » (the actor's slug) plays the part of Référence.
IDENTIFIER = "Identifiant"
NAME = "Nom"
ACTOR_TYPE = "Type d'acteur"
SIREN = "SIREN"
RNA = "RNA"
ACTOR_IMPORT_COLUMNS = [IDENTIFIER, NAME, ACTOR_TYPE, SIREN, RNA, WEBSITE, TERRITORY]
ACTOR_READ_ONLY_COLUMNS = [TERRITORY_NAME, *PLACE_COLUMNS, PUBLIC_LINK, UPDATED_AT]
ACTOR_COLUMNS = ACTOR_IMPORT_COLUMNS + ACTOR_READ_ONLY_COLUMNS
ACTOR_REQUIRED_COLUMNS = [NAME, ACTOR_TYPE]

MULTI_VALUE_JOIN = "; "
LOCAL_TIME = zoneinfo.ZoneInfo(settings.TIME_ZONE)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralise_formula(value):
    """A cell value a spreadsheet will not run as a formula; numbers stay typed.

    A text starting with = + - @, a tab or a carriage return gets a leading apostrophe,
    which imports remove again (see `restore_formula`).
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return NEUTRALISER + value
    return value


def restore_formula(value: str) -> str:
    if value.startswith(NEUTRALISER) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def header_key(text) -> str:
    """'  Année de  DÉBUT ' and 'annee de debut' are the same header."""
    return re.sub(r"\s+", "", fold(str(text or "")).replace("’", "'"))


def cell_text(value) -> str:
    """A cell as the text a curator typed: '' for empty, 2020 for 2020.0, no formula guard."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return restore_formula(str(value).replace("\r\n", "\n").strip())


def checked_text(value) -> str:
    """`cell_text`, refusing a formula: its result is not in the file, only the formula."""
    if isinstance(value, Formula):
        raise ValueError(
            _("La cellule contient une formule (« %(formula)s ») ; saisissez le texte.")
            % {"formula": str(value)[:50]}
        )
    return cell_text(value)


def attribute_value(instance, attribute):
    """What a column compares: the text, the number, or the id of a related row."""
    field = instance._meta.get_field(attribute)
    return comparable(getattr(instance, field.attname))


def comparable(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


# Widgets: one value of one cell, read and written.


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return checked_text(value)

    def render(self, value, obj=None, **kwargs):
        return neutralise_formula(value or "")


class ChoiceWidget(widgets.Widget):
    """A closed list: the value (`publie`) or the French label (`Publié`)."""

    def __init__(self, choices, column: str, required: bool = True):
        self.choices = choices
        self.column = column
        self.required = required
        self.by_key = {}
        for value, label in choices.choices:
            self.by_key[fold(value)] = value
            self.by_key[fold(str(label))] = value

    def clean(self, value, row=None, **kwargs):
        text = checked_text(value)
        if not text and not self.required:
            return ""
        if not text:
            raise ValueError(_("Valeur obligatoire."))
        try:
            return self.by_key[fold(text)]
        except KeyError:
            raise ValueError(
                _("Valeur inconnue « %(value)s » ; valeurs possibles : %(choices)s.")
                % {"value": text, "choices": ", ".join(str(c.label) for c in self.choices)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class YearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = checked_text(value)
        if not text:
            return None
        if re.fullmatch(r"\d{4}(\.0+)?", text):
            return int(float(text))
        raise ValueError(_("Année invalide : « %(value)s » (quatre chiffres).") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class TerritoryWidget(widgets.Widget):
    """A territory by slug (`commune-59350`) or by unambiguous name (`Lille`)."""

    lookups: Lookups | None = None

    def clean(self, value, row=None, **kwargs):
        text = checked_text(value)
        if not text:
            return None
        try:
            return self.lookups.territory(text)
        except UnknownValue as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


class SirenWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(int(value)).zfill(9)
        return re.sub(r"\s+", "", checked_text(value))


class RnaWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return re.sub(r"\s+", "", checked_text(value)).upper()


def text_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


def read_only_field(column):
    return fields.Field(column_name=column, readonly=True)


@dataclass
class Problem:
    """One thing wrong in a file: where (line as in the spreadsheet, column), what, why."""

    line: int | None
    column: str
    value: str
    message: str


def problems(result) -> list[Problem]:
    """Every problem of an import result, in file order, for the preview and for tests."""
    found = []
    headers = list(result.diff_headers or [])
    for error in result.base_errors:
        found.append(Problem(None, "", "", str(error.error)))
    for number, errors in result.row_errors():
        for error in errors:
            found.append(
                Problem(number + 1, "", "", _("Erreur inattendue : %(e)s") % {"e": error.error})
            )
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            value = ""
            if column in headers and headers.index(column) < len(row.values):
                value = cell_text(row.values[headers.index(column)])
            label = "" if column == NON_FIELD_ERRORS else column
            for message in messages:
                found.append(Problem(row.number + 1, label, value, str(message)))
    return sorted(found, key=lambda p: (p.line or 0, p.column))


class SheetResource(resources.ModelResource):
    """What the examples sheet and the actors sheet share: headers, limits, checks, history."""

    import_columns: list[str] = []
    read_only_columns: list[str] = []
    required_columns: list[str] = []
    key_column = ""
    # Off in the benchmark's "library defaults" variant (bench_import, docs/benchmarks.md).
    defer_relations = True
    fast_validation = True
    # A blank cell in these columns keeps the current value (the model's default when new).
    kept_when_blank: tuple[str, ...] = ()
    # Written by bulk_update() beside the columns of the file.
    bulk_extra_fields = ["updated_at"]

    class Meta:
        instance_loader_class = CachedInstanceLoader
        skip_diff = True
        clean_model_instances = True
        use_transactions = True
        # Rows are validated in Python first; the database is written in batches.
        use_bulk = True
        batch_size = 1000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reset()

    def reset(self):
        """Forget the previous file: one resource may import several (before_import)."""
        self.user = None
        self.refused = False
        self.snapshots = {}
        self.row_notes = {}
        self.pending = []
        self.created = []
        self.seen_keys = {}
        self.current_row = None

    def get_queryset(self):
        return self._meta.model.objects.with_related()

    # Reading the file.

    def before_import(self, dataset, **kwargs):
        self.reset()
        self.user = kwargs.get("user")
        self.started_at = timezone.now()
        try:
            self.normalise_headers(dataset)
            if len(dataset) > settings.IMPORT_MAX_ROWS:
                raise ValueError(
                    _("Le fichier compte %(rows)s lignes ; au plus %(limit)s à la fois.")
                    % {"rows": len(dataset), "limit": settings.IMPORT_MAX_ROWS}
                )
            self.preload(dataset)
        except ValueError:
            self.refused = True
            raise

    def normalise_headers(self, dataset):
        known = {header_key(c): c for c in self.import_columns + self.read_only_columns}
        headers, unknown = [], []
        for header in dataset.headers or []:
            column = known.get(header_key(header))
            if column is None and header_key(header):
                unknown.append(str(header))
            headers.append(column or str(header or ""))
        problems_ = []
        if unknown:
            problems_.append(
                _("Colonne(s) inconnue(s) : %(unknown)s. Colonnes reconnues : %(known)s.")
                % {
                    "unknown": ", ".join(f"« {h} »" for h in unknown),
                    "known": ", ".join(self.import_columns),
                }
            )
        # Counted in one pass: headers.count() for each header was quadratic in the width.
        repeated = sorted(h for h, n in Counter(headers).items() if h and n > 1)
        if repeated:
            problems_.append(
                _("Colonne(s) en double : %(columns)s.") % {"columns": ", ".join(repeated)}
            )
        missing = [c for c in self.required_columns if c not in headers]
        if missing:
            problems_.append(
                _("Colonne(s) obligatoire(s) absente(s) : %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        if problems_:
            raise ValueError(" ".join(problems_))
        dataset.headers = headers
        if self.key_column not in headers:
            dataset.append_col([""] * len(dataset), header=self.key_column)

    def column_values(self, dataset, column):
        if column not in dataset.headers:
            return []
        return [cell_text(v) for v in dataset.get_col(dataset.headers.index(column))]

    def preload(self, dataset):
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs):
        if self.refused or all(cell_text(v) == "" for v in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    # One row.

    def before_import_row(self, row, **kwargs):
        self.current_row = kwargs["row_number"]

    def after_init_instance(self, instance, new, row, **kwargs):
        key = cell_text(row.get(self.key_column))
        if new and key:
            raise ValidationError(
                {
                    self.key_column: _(
                        "« %(value)s » ne désigne rien dans le catalogue : laissez la colonne "
                        "vide pour créer, ou corrigez-la pour modifier."
                    )
                    % {"value": key}
                }
            )
        if key and key in self.seen_keys:
            raise ValidationError(
                {
                    self.key_column: _("« %(value)s » figure déjà à la ligne %(line)s.")
                    % {"value": key, "line": self.seen_keys[key]}
                }
            )
        if key:
            self.seen_keys[key] = kwargs["row_number"] + 1
        self.snapshots[kwargs["row_number"]] = {} if new else self.snapshot(instance)

    def snapshot(self, instance) -> dict:
        values = {}
        for field in self.get_import_fields():
            if field.attribute and field.column_name != self.key_column:
                values[field.column_name] = attribute_value(instance, field.attribute)
        values.update(self.relations_snapshot(instance))
        return values

    def relations_snapshot(self, instance) -> dict:
        return {}

    def parse_relations(self, row) -> tuple[dict, dict]:
        return {}, {}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if not field.attribute or field.column_name == self.key_column:
                continue
            if field.column_name not in row:
                continue
            column = field.column_name
            if column in self.kept_when_blank and cell_text(row[column]) == "":
                continue
            try:
                field.save(instance, row, is_m2m=False, **kwargs)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
        relations, relation_errors = self.parse_relations(row)
        errors.update(relation_errors)
        instance._import_relations = relations
        number = kwargs["row_number"]
        before = self.snapshots.get(number, {})
        after = self.snapshot_after(instance, relations)
        changes = [c for c, v in after.items() if c in row and before.get(c, _MISSING) != v]
        if not before:  # a new row: what it fills in
            changes = [c for c, v in after.items() if c in row and v not in EMPTY]
        warnings = self.duplicate_warnings(instance, number, errors)
        self.row_notes[number] = {"changes": changes, "warnings": warnings}
        if errors:
            raise ValidationError(errors)

    def snapshot_after(self, instance, relations) -> dict:
        values = {}
        for field in self.get_import_fields():
            if field.attribute and field.column_name != self.key_column:
                values[field.column_name] = attribute_value(instance, field.attribute)
        values.update(self.relations_values(relations))
        return values

    def relations_values(self, relations) -> dict:
        return {}

    def duplicate_warnings(self, instance, number, errors) -> list[str]:
        return []

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return instance.pk is not None and not self.row_notes[self.current_row]["changes"]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = defaultdict(list)
        for column, messages in (import_validation_errors or {}).items():
            errors[column].extend(
                m for item in messages for m in getattr(item, "messages", [str(item)])
            )
        by_attribute = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
        exclude = {a for a, c in by_attribute.items() if c in errors}
        exclude |= self.exclude_from_clean(instance)
        try:
            instance.full_clean(
                exclude=exclude,
                validate_unique=not self.fast_validation,
                validate_constraints=not self.fast_validation,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[by_attribute.get(name, NON_FIELD_ERRORS)].extend(messages)
        self.extra_checks(instance, errors)
        if errors:
            raise ValidationError(dict(errors))

    def exclude_from_clean(self, instance) -> set[str]:
        # Already checked against the preloaded rows; full_clean would query once per row.
        return {"territory"} if self.fast_validation and instance.territory_id else set()

    def extra_checks(self, instance, errors):
        pass

    def get_bulk_update_fields(self):
        columns = [
            f.attribute
            for f in self.get_import_fields()
            if f.attribute and not f.readonly and f.column_name != self.key_column
        ]
        return columns + self.bulk_extra_fields

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is not None:
            # bulk_update() leaves auto_now fields alone.
            instance.updated_at = timezone.now()

    def save_m2m(self, instance, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        relations = getattr(instance, "_import_relations", {})
        if not relations:
            return
        is_new = self.snapshots.get(kwargs["row_number"]) == {}
        if self.defer_relations:
            self.pending.append((instance, relations, is_new))
        else:
            # The row's save advanced the example's version already (stamp_example).
            with locking.already_stamped([instance.pk]):
                services.set_relations(items=[(instance, relations)], replace=not is_new)

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number")
        notes = self.row_notes.get(number, {})
        row_result.line = number + 1 if number else None
        row_result.changes = notes.get("changes", [])
        row_result.warnings = notes.get("warnings", [])
        row_result.label = cell_text(row.get(self.label_column))
        row_result.key = cell_text(row.get(self.key_column))

    def after_import(self, dataset, result, **kwargs):
        if self.pending and not result.has_errors() and not result.has_validation_errors():
            created = [(e, r) for e, r, new in self.pending if new]
            updated = [(e, r) for e, r, new in self.pending if not new]
            with locking.already_stamped(e.pk for e, _r, _new in self.pending):
                services.set_relations(items=created, replace=False)
                services.set_relations(items=updated, replace=True)
        self.pending = []
        super().after_import(dataset, result, **kwargs)
        if not self._is_dry_run(kwargs) and not result.has_errors():
            # Rows were written in bulk, without the signals that keep search current.
            search_index.update_search_index(self.examples_written_since(self.started_at))

    def examples_written_since(self, moment):
        raise NotImplementedError


_MISSING = object()
EMPTY = ("", None, (), frozenset())
FILE_ROW = "ligne du fichier"


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

    def examples_written_since(self, moment):
        return Example.objects.filter(updated_at__gte=moment).values_list("pk", flat=True)

    # Export.

    def export(self, queryset=None, **kwargs):
        """The admin export: every column, from the same rows as the public exports."""
        if queryset is None:
            queryset = Example.objects.all()
        if not isinstance(queryset, QuerySet):
            queryset = Example.objects.filter(pk__in=[example.pk for example in queryset])
        return tablib.Dataset(*example_rows(queryset), headers=EXAMPLE_COLUMNS)


class ActorResource(SheetResource):
    """The actors sheet. Rows update by Identifiant (the actor's slug), create when blank."""

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
        return super().export(queryset=queryset, **kwargs)

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


def place_names() -> dict[str, str]:
    """{slug: name} of the régions and départements (one query, 119 rows)."""
    levels = [TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
    return dict(Territory.objects.filter(level__in=levels).values_list("slug", "name"))


def place_cells(path: str, names: dict[str, str]) -> tuple[str, str]:
    """The département and région a territory lies in (itself when it is one), by its path."""
    departement = region = ""
    for slug in path.strip("/").split("/"):
        if slug.startswith(f"{TerritoryLevel.DEPARTEMENT}-"):
            departement = names.get(slug, "")
        elif slug.startswith(f"{TerritoryLevel.REGION}-"):
            region = names.get(slug, "")
    return departement, region


def join_cell(values) -> str:
    return neutralise_formula(MULTI_VALUE_JOIN.join(values))


def format_datetime(value):
    """A date cell, to the minute, in French local time (spreadsheets have no time zones)."""
    if not value:
        return ""
    return value.astimezone(LOCAL_TIME).replace(tzinfo=None, second=0, microsecond=0)


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

# What each column of an examples export means (the "À propos" sheet of public exports).
EXAMPLE_COLUMN_MEANINGS = {
    REFERENCE: gettext_lazy(
        "Identifiant stable de l'exemple (IA-00042) ; vide à l'import pour créer."
    ),
    TITLE: gettext_lazy("Titre de l'exemple."),
    SUMMARY: gettext_lazy("Résumé en quelques phrases."),
    DESCRIPTION: gettext_lazy("Description complète."),
    STATUS: gettext_lazy("Brouillon, Publié ou Archivé."),
    TERRITORY: gettext_lazy("Identifiant du territoire principal (region-32, commune-59350…)."),
    SCALE: gettext_lazy(
        "Échelle d'action : locale, départementale, régionale, nationale, internationale."
    ),
    START_YEAR: gettext_lazy("Année de début."),
    END_YEAR: gettext_lazy("Année de fin (vide si l'alliance continue)."),
    DOMAINS: gettext_lazy("Domaines d'action, séparés par « ; »."),
    ODD: gettext_lazy("Objectifs de développement durable (ODD 1 à 17), séparés par « ; »."),
    ALLIANCE: gettext_lazy("Objectifs de « faire alliance », séparés par « ; »."),
    PARTNERSHIP_TYPES: gettext_lazy("Types de partenariat, séparés par « ; »."),
    PARTNERS: gettext_lazy("Partenaires et leur rôle entre parenthèses, séparés par « ; »."),
    WEBSITE: gettext_lazy("Site web de l'alliance."),
    TERRITORY_NAME: gettext_lazy("Nom du territoire (lecture seule)."),
    INSEE_CODE: gettext_lazy("Code INSEE du territoire (lecture seule)."),
    DEPARTEMENT: gettext_lazy("Département où se trouve le territoire (lecture seule)."),
    REGION: gettext_lazy("Région où se trouve le territoire (lecture seule)."),
    ACTOR_TYPES: gettext_lazy("Types des acteurs partenaires (lecture seule)."),
    PUBLIC_LINK: gettext_lazy("Adresse de la fiche publique (lecture seule)."),
    UPDATED_AT: gettext_lazy("Date de dernière modification, heure de Paris (lecture seule)."),
}


def example_rows(queryset):
    """Each example of `queryset`, in its order, as the cells of EXAMPLE_COLUMNS.

    A generator reading plain values 2,000 examples at a time (six queries a chunk, no
    model instances): a CSV of 100,000 rows streams in bounded memory. The cells are those
    that the import reads back unchanged.
    """
    from .models import Domain, Objective, PartnershipType

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
    from .models import Partnership

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


def actors_dataset(queryset=None) -> tablib.Dataset:
    """Every actor of `queryset` in the columns of ACTOR_COLUMNS."""
    return ActorResource().export(queryset=queryset)


def template_dataset(resource_class) -> tablib.Dataset:
    """An empty sheet with the headers an import reads: the downloadable template."""
    return tablib.Dataset(headers=list(resource_class.import_columns))
