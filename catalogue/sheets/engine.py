"""The import engine shared by the examples and the actors sheets: headers, limits, checks,
the preview's notes (changes, duplicates), all-or-nothing writes, and `run_import`, the one
function that runs a whole import (the admin's confirmation calls it; so may a worker).
What an import found and did (its problems, its outcome, its history lines): `outcomes.py`."""

from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import RowResult

from .. import changes, services
from .cells import attribute_value, cell_text, header_key
from .formats import read_dataset
from .outcomes import ImportOutcome, Problem, log_history, problems
from .rows import SpreadsheetError


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

    def import_data(self, dataset, dry_run=False, **kwargs):
        """A confirmed import is one write of the write path (catalogue.changes); a preview
        writes nothing that lasts, so neither it nor its reindex runs for one."""
        if dry_run:
            return super().import_data(dataset, dry_run=dry_run, **kwargs)
        with changes.writing() as change:
            result = super().import_data(dataset, dry_run=dry_run, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                change.discard()  # the library rolled the rows back
            return result

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
        checked = {"territory"} if self.fast_validation and instance.territory_id else set()
        # A deferred column (the search vector) is not the file's: reading it is a query.
        return checked | instance.get_deferred_fields()

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
            services.set_relations(items=created, replace=False)
            services.set_relations(items=updated, replace=True)
        self.pending = []
        super().after_import(dataset, result, **kwargs)
        change = changes.open_change()
        if change is not None and not result.has_errors():
            # The rows changed were named before bulk_update(); the new ones are named here.
            change.created(self.examples_written_since(self.started_at))

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        change = changes.open_change()
        if change is not None and self.update_instances:
            self.before_bulk_update(change, self.update_instances)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)

    def before_bulk_update(self, change, instances):
        """Name to the write path what these rows change, before they are written."""
        raise NotImplementedError

    def examples_written_since(self, moment):
        raise NotImplementedError


_MISSING = object()
EMPTY = ("", None, (), frozenset())
FILE_ROW = "ligne du fichier"


def run_import(
    *,
    data: bytes,
    extension: str,
    sheet: type[SheetResource],
    user=None,
    file_name: str = "",
    dry_run: bool = False,
) -> ImportOutcome:
    """A whole import, without a request: read the file's bytes in its format (csv, xlsx,
    ods), check every row, then write everything — rows, relations, search index and one
    history line per row, as `user` — in one transaction, or nothing at all if any row has
    a problem. `dry_run` checks without writing (the admin's preview)."""
    try:
        dataset = read_dataset(data, extension)
    except SpreadsheetError as error:
        return ImportOutcome(None, [Problem(None, "", "", str(error))])
    try:
        with transaction.atomic():
            result = sheet().import_data(
                dataset,
                dry_run=dry_run,
                rollback_on_validation_errors=True,
                user=user,
                retain_instance_in_row_result=True,  # for the history lines
            )
            found = problems(result)
            if not dry_run and not found:
                log_history(result, user=user, file_name=file_name)
    except services.StaleRows as error:
        return ImportOutcome(None, [Problem(None, "", "", str(error))])
    return ImportOutcome(result, found)
