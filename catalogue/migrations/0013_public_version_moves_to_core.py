"""The public version and its change log now belong to core (core.PublicVersion,
core.PublicChange): removed from the catalogue's state only, their tables stay, read and
written by core's models under the same names (core/migrations/0001_initial.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0012_public_version_change_log"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CatalogueChange"),
                migrations.DeleteModel(name="CatalogueVersion"),
            ],
            database_operations=[],
        ),
    ]
