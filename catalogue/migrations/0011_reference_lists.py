from django.db import migrations, models


class Migration(migrations.Migration):
    """Domain and PartnershipType share one abstract base (ReferenceList): the same slug
    length for both."""

    dependencies = [
        ("catalogue", "0010_actor_folded_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="partnershiptype",
            name="slug",
            field=models.SlugField(max_length=120, unique=True, verbose_name="identifiant"),
        ),
    ]
