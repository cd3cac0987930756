from django.db import migrations, models


def fold_names(apps, schema_editor):
    from french.text import fold

    Actor = apps.get_model("catalogue", "Actor")
    actors = list(Actor.objects.only("pk", "name"))
    for actor in actors:
        actor.folded_name = fold(actor.name)
    Actor.objects.bulk_update(actors, ["folded_name"], batch_size=2000)


class Migration(migrations.Migration):
    """Actors keep their folded name, so that spreadsheets match names in Python's terms on
    every database (PostgreSQL's unaccent folds ’ — « differently)."""

    dependencies = [
        ("catalogue", "0009_example_origin"),
    ]

    operations = [
        migrations.AddField(
            model_name="actor",
            name="folded_name",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=255,
                verbose_name="nom simplifié",
            ),
        ),
        migrations.RunPython(fold_names, migrations.RunPython.noop),
    ]
