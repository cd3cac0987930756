"""Curators read the proposers' contacts (to answer them) and edit the site's texts (the
flat pages of pages.texts); they delete neither."""

from django.db import migrations

PERMISSIONS = [
    ("contributions", "view_proposal"),
    ("flatpages", "view_flatpage"),
    ("flatpages", "change_flatpage"),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for label in ("contributions", "flatpages"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name="Curateurs")
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=label, codename=codename)
            for label, codename in PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0001_initial"),
        ("catalogue", "0004_curators_group"),
        ("flatpages", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
