from django.db import migrations

from catalogue.postgres import PostgresOnlySQL


class Migration(migrations.Migration):
    """Facet counts scan every published example: on PostgreSQL an index holding what they
    group by lets them skip the wide table rows (index-only scans)."""

    dependencies = [("catalogue", "0004_curators_group")]

    operations = [
        PostgresOnlySQL(
            "CREATE INDEX catalogue_example_status_cover ON catalogue_example (status, id) "
            "INCLUDE (territory_id, scale, start_year);",
            "DROP INDEX IF EXISTS catalogue_example_status_cover;",
        ),
    ]
