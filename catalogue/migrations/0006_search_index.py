from django.db import migrations, models

from catalogue.postgres import SQLiteOnlySQL


def rebuild_index(apps, schema_editor):
    # The document changed (Python stemming, more fields): derived data, rebuilt by its author.
    from catalogue import search_index

    search_index.update_search_index()


class Migration(migrations.Migration):
    """Search v2: Snowball-stemmed documents on both databases (tsvector on PostgreSQL, FTS5 on
    SQLite) and the vocabulary for typo correction; the trigram columns go."""

    dependencies = [("catalogue", "0005_example_published_covering_index")]

    operations = [
        migrations.RemoveField(model_name="example", name="search_names"),
        migrations.RemoveField(model_name="example", name="search_text"),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=100, unique=True, verbose_name="mot")),
            ],
            options={"verbose_name": "mot de l'index", "verbose_name_plural": "mots de l'index"},
        ),
        SQLiteOnlySQL(
            "CREATE VIRTUAL TABLE catalogue_example_fts USING fts5(a, b, c, d, "
            "tokenize = 'unicode61 remove_diacritics 0');",
            "DROP TABLE IF EXISTS catalogue_example_fts;",
        ),
        migrations.RunPython(rebuild_index, migrations.RunPython.noop, elidable=True),
    ]
