"""The spreadsheet contract of the catalogue, one module per job.

- `columns`: the column names and what each means;
- `cells`: one cell read and written (widgets, formulas, dates, places);
- `lookups`: names in a file matched to catalogue rows, preloaded once per file;
- `engine`: the import engine shared by both sheets, and `run_import`;
- `examples`, `actors`: the two sheets (import, export rows);
- `rows`, `readers`: reading CSV, XLSX and ODS files within limits;
- `writers`: writing them (one function per format, shared by admin and public exports);
- `formats`: the formats as django-import-export sees them;
- `guide`: the model file that curators fill in.
"""
