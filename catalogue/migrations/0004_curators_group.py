"""The « Curateurs » group: exactly what curators need, and nothing else.

Curators view, add and change examples, actors and partnerships, and import and export
examples and actors. They only view the reference data (territories, domains, objectives,
partnership types), which the admin's autocomplete needs. No deletion, no users or groups.
Superusers keep every permission without any group.
"""

from django.db import migrations

GROUP_NAME = "Curateurs"
# Import and export permissions, checked by catalogue.admin.CuratorImportExportAdmin.
CUSTOM_PERMISSIONS = [
    ("example", "import_example", "Peut importer des exemples"),
    ("example", "export_example", "Peut exporter des exemples"),
    ("actor", "import_actor", "Peut importer des acteurs"),
    ("actor", "export_actor", "Peut exporter des acteurs"),
]
CURATOR_PERMISSIONS = [
    ("catalogue", f"{action}_{model}")
    for model in ("example", "actor", "partnership")
    for action in ("view", "add", "change")
] + [
    ("catalogue", codename) for _model, codename, _name in CUSTOM_PERMISSIONS
] + [
    ("catalogue", "view_domain"),
    ("catalogue", "view_objective"),
    ("catalogue", "view_partnershiptype"),
    ("territoires", "view_territory"),
]


def create_group(apps, schema_editor):
    # Django creates the model permissions after `migrate` (post_migrate); make them now so
    # that the group can hold them on a fresh database.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for label in ("catalogue", "territoires"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for model, codename, name in CUSTOM_PERMISSIONS:
        content_type = ContentType.objects.get(app_label="catalogue", model=model)
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in CURATOR_PERMISSIONS
    ]
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="catalogue",
        codename__in=[codename for _model, codename, _name in CUSTOM_PERMISSIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_example_search_fields"),
        ("territoires", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
