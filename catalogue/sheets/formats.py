"""The file formats of django-import-export, read by sheets/readers.py and written by
sheets/writers.py: the admin and the public exports share one path per format."""

import tablib
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from .readers import read_csv, read_ods, read_xlsx
from .rows import SpreadsheetError
from .writers import file_bytes


class CSV(base_formats.CSV):
    """CSV read as French spreadsheets write it; written with `;` and a UTF-8 BOM for Excel."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return read_csv(in_stream)

    def export_data(self, dataset, **kwargs):
        return file_bytes("csv", dataset.headers, dataset)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)

    def export_data(self, dataset, **kwargs):
        return file_bytes("xlsx", dataset.headers, dataset, sheet_name=dataset.title)


class ODS(base_formats.ODS):
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_ods(in_stream)

    def export_data(self, dataset, **kwargs):
        return file_bytes("ods", dataset.headers, dataset, sheet_name=dataset.title)


FORMATS = [CSV, XLSX, ODS]
FORMAT_BY_EXTENSION = {"csv": CSV, "xlsx": XLSX, "ods": ODS}


def read_dataset(data: bytes, extension: str) -> tablib.Dataset:
    """A Dataset from the bytes of a file in one of FORMATS; SpreadsheetError otherwise."""
    format_class = FORMAT_BY_EXTENSION.get(extension.lower().lstrip("."))
    if format_class is None:
        raise SpreadsheetError(
            _("Format de fichier non pris en charge : utilisez CSV, XLSX ou ODS.")
        )
    return format_class().create_dataset(data)
