from django.db import migrations, models


class Migration(migrations.Migration):
    """Folded names; `manage.py load_territories` fills them."""

    dependencies = [("territoires", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="territory",
            name="folded_name",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                max_length=200,
                verbose_name="nom simplifié",
            ),
            preserve_default=False,
        ),
    ]
