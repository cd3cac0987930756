"""Import and export in the admin, shared by the examples and the actors: the upload form,
the preview that names every problem, the confirmation through `sheets.engine.run_import`,
the model to fill in and the page that explains the format."""

import os

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from import_export.results import RowResult

from . import import_jobs
from .sheets import guide, writers
from .sheets.engine import run_import
from .sheets.formats import FORMAT_BY_EXTENSION, FORMATS
from .sheets.outcomes import problems
from .sheets.rows import SpreadsheetError, check_size

# Import and export, shared by the examples and the actors.

# Rows shown in the preview's table: a table of 20,000 rows helps no one and costs seconds
# to render; rows with a warning are always shown.
PREVIEW_ROWS = 200


def preview_rows(result) -> dict:
    """The file's rows (blank ones aside) for the preview: the first PREVIEW_ROWS and every
    later one with a warning; and how many are left out."""
    rows = [r for r in result.rows if getattr(r, "line", None)]
    shown = rows[:PREVIEW_ROWS] + [r for r in rows[PREVIEW_ROWS:] if getattr(r, "warnings", None)]
    return {"preview_rows": shown, "preview_hidden": len(rows) - len(shown)}


class CuratorImportForm(ImportForm):
    """The library's form, with the size cap and the format taken from the file's extension."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        try:
            check_size(upload.size)
        except SpreadsheetError as error:
            self.add_error("import_file", str(error))
            return cleaned
        extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
        if extension not in FORMAT_BY_EXTENSION:
            self.add_error(
                "import_file",
                _("Format de fichier non pris en charge (%(ext)s) : utilisez CSV, XLSX ou ODS.")
                % {"ext": extension or "?"},
            )
            return cleaned
        cleaned["format"] = str(FORMATS.index(FORMAT_BY_EXTENSION[extension]))
        self.errors.pop("format", None)
        return cleaned


class CuratorImportExportAdmin(ImportExportModelAdmin):
    """Import preview that names every problem; all or nothing; French history lines."""

    formats = FORMATS
    import_form_class = CuratorImportForm
    confirm_form_class = ConfirmImportForm
    export_form_class = ExportForm
    import_template_name = "admin/catalogue/import.html"
    skip_admin_log = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_import_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.import_{self.opts.model_name}")

    def has_export_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.export_{self.opts.model_name}")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/format/",
                self.admin_site.admin_view(self.import_format_view),
                name="{}_{}_import_format".format(*info),
            ),
            path(
                "import/modele.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path(
                "import/suivi/<uuid:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, extension):
        """The model to fill in (a sample row, a "Mode d'emploi" sheet, drop-down lists in
        XLSX), in CSV, XLSX or ODS."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension not in FORMAT_BY_EXTENSION:
            raise Http404
        data = guide.model_file(self.resource_classes[0], extension)
        response = HttpResponse(data, content_type=writers.CONTENT_TYPES[extension])
        name = f"modele-{self.opts.verbose_name_plural}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def import_format_view(self, request):
        """The page that explains each column of the sheet: the model's "Mode d'emploi"."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        sheet = self.resource_classes[0]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Format de la feuille « %(name)s »") % {"name": sheet._meta.name},
            "rows": guide.guide_rows(sheet),
            "template_formats": list(FORMAT_BY_EXTENSION),
        }
        return TemplateResponse(request, "admin/catalogue/import_format.html", context)

    def write_to_tmp_storage(self, import_file, input_format):
        """The library's, joining the upload's chunks once (`data += chunk` copied it
        again for every chunk)."""
        tmp_storage = self.get_tmp_storage_class()(
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        tmp_storage.save(b"".join(import_file.chunks()))
        return tmp_storage

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                _("Ce fichier n'a pas pu être lu (%(error)s) : vérifiez son format.")
                % {"error": type(e).__name__},
            )

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data.get("result"):
            result = response.context_data["result"]
            response.context_data.update(
                {
                    "problems": problems(result),
                    **preview_rows(result),
                    "totals": result.totals,
                    "template_formats": list(FORMAT_BY_EXTENSION),
                }
            )
        elif isinstance(response, TemplateResponse):
            response.context_data["template_formats"] = list(FORMAT_BY_EXTENSION)
        if isinstance(response, TemplateResponse):
            # The columns it reads, not those an export adds and the import ignores.
            sheet = self.resource_classes[0]
            response.context_data["fields_list"] = [(sheet._meta.name, sheet.import_columns)]
        return response

    def process_import(self, request, **kwargs):
        """The confirmation: the file kept since the preview, imported by `run_import`,
        which writes the history lines too; in the request when the file is short, else by
        the task worker (catalogue.import_jobs)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return super().process_import(request, **kwargs)
        try:
            storage, content, extension = import_jobs.stored_file(self, form.cleaned_data)
            rows = import_jobs.row_count(content, extension)
            if rows > settings.IMPORT_BACKGROUND_ROWS:
                return import_jobs.queue(self, request, form.cleaned_data, rows)
            import_jobs.take(storage)  # a second confirmation now finds nothing to write
        except FileNotFoundError:
            return import_jobs.already_confirmed(self, request, form.cleaned_data)
        outcome = run_import(
            data=content,
            extension=extension,
            sheet=self.resource_classes[0],
            user=request.user,
            file_name=form.cleaned_data.get("original_file_name", ""),
        )
        return self.process_result(outcome, request)

    def import_job_view(self, request, job_id):
        return import_jobs.import_job_view(self, request, job_id)

    def process_result(self, outcome, request):
        if not outcome.succeeded:
            # The data changed since the preview: nothing was written (the import rolled back).
            for problem in outcome.problems[:20]:
                messages.error(
                    request,
                    _("Ligne %(line)s, %(column)s : %(message)s")
                    % {
                        "line": problem.line or "—",
                        "column": problem.column or "—",
                        "message": problem.message,
                    },
                )
            messages.error(request, _("Import annulé : rien n'a été enregistré."))
            return HttpResponseRedirect(
                reverse(
                    "admin:{}_{}_import".format(*self.get_model_info()),
                    current_app=self.admin_site.name,
                )
            )
        return super().process_result(outcome.result, request)

    def generate_log_entries(self, result, request):
        """Written by `run_import`, in the import's transaction."""

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("Import terminé : %(new)s créé(s), %(update)s modifié(s), %(skip)s inchangé(s).")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )
