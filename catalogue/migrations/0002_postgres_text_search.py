from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from catalogue.postgres import CREATE_TEXT_SEARCH_CONFIG, DROP_TEXT_SEARCH_CONFIG, PostgresOnlySQL


class Migration(migrations.Migration):
    """Extensions and the french_unaccent configuration; CreateExtension skips non-PostgreSQL."""

    dependencies = [("catalogue", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        PostgresOnlySQL(CREATE_TEXT_SEARCH_CONFIG, DROP_TEXT_SEARCH_CONFIG),
    ]
