from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEX = "territoires_territory_search_key_trgm"


def fill_search_keys(apps, schema_editor):
    """Territories loaded before this migration get their key (the loader fills new ones)."""
    from territoires.models import searchable_names

    Territory = apps.get_model("territoires", "Territory")
    territories = list(Territory.objects.only("pk", "name"))
    for territory in territories:
        territory.search_key = searchable_names(territory.name)["search_key"]
    Territory.objects.bulk_update(territories, ["search_key"], batch_size=2000)


def create_trigram_index(apps, schema_editor):
    # "contains ' word'" on 37,000 names: a trigram index on PostgreSQL; SQLite scans.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON territoires_territory "
            "USING gin (search_key gin_trgm_ops);"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX};")


class Migration(migrations.Migration):
    """The finder's search key; CreateExtension skips non-PostgreSQL databases."""

    dependencies = [("territoires", "0003_french_order")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="territory",
            name="search_key",
            field=models.CharField(
                default="", editable=False, max_length=220, verbose_name="clé de recherche"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
