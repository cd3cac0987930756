from django.db import migrations


def install(apps, schema_editor):
    from pages.texts import install_default_pages

    install_default_pages(apps.get_model("flatpages", "FlatPage"), apps.get_model("sites", "Site"))


class Migration(migrations.Migration):
    dependencies = [
        ("flatpages", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
