"""Database pieces that only one vendor has (mostly PostgreSQL); elsewhere they do nothing."""

from django.db import migrations
from django.db.models.lookups import In

TEXT_SEARCH_CONFIG = "french_unaccent"

CREATE_TEXT_SEARCH_CONFIG = f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{TEXT_SEARCH_CONFIG}') THEN
    CREATE TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIG} (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIG}
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END
$$;
"""
DROP_TEXT_SEARCH_CONFIG = f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TEXT_SEARCH_CONFIG};"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that is skipped on every database but PostgreSQL."""

    vendor = "postgresql"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class SQLiteOnlySQL(PostgresOnlySQL):
    """RunSQL that only SQLite runs (the embedded default's own pieces)."""

    vendor = "sqlite"


class AnyOf(In):
    """`field IN (…)` that PostgreSQL receives as `field = ANY(%s)`: one array parameter
    instead of thousands, for the bulk reads of exports (other databases get the IN)."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))
