"""The public version and its change log, moved from the catalogue app with their tables.

State only: the tables were created by catalogue's migrations 0007 and 0012 (hence the
dependency, on fresh databases and existing ones alike) and keep their names and their rows;
catalogue's migration 0013 removes the models from the catalogue's state.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalogue", "0012_public_version_change_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("stamp", models.CharField(max_length=32, verbose_name="empreinte")),
                        (
                            "number",
                            models.PositiveBigIntegerField(default=0, verbose_name="numéro"),
                        ),
                    ],
                    options={
                        "verbose_name": "version publique du catalogue",
                        "verbose_name_plural": "versions publiques du catalogue",
                        "db_table": "catalogue_catalogueversion",
                    },
                ),
                migrations.CreateModel(
                    name="PublicChange",
                    fields=[
                        (
                            "number",
                            models.PositiveBigIntegerField(
                                primary_key=True, serialize=False, verbose_name="numéro"
                            ),
                        ),
                        ("stamp", models.CharField(max_length=32, verbose_name="empreinte")),
                        ("examples", models.JSONField(default=list, verbose_name="exemples")),
                        ("actors", models.JSONField(default=list, verbose_name="acteurs")),
                        (
                            "territories",
                            models.JSONField(default=list, verbose_name="territoires"),
                        ),
                        (
                            "withdrawn",
                            models.BooleanField(
                                default=False, verbose_name="exemple retiré du public"
                            ),
                        ),
                        (
                            "full",
                            models.BooleanField(default=False, verbose_name="listes de référence"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="le"),
                        ),
                    ],
                    options={
                        "verbose_name": "changement public",
                        "verbose_name_plural": "changements publics",
                        "db_table": "catalogue_cataloguechange",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
