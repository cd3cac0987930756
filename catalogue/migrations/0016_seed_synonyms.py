"""The first synonym groups of the search, which curators then keep in the admin (the
« Curateurs » group may view, add and change them).

Each group holds words a person means alike when searching; none is so wide that it drowns
the word typed (no « inclusion » for « handicap »: most of it is digital inclusion; no
« recyclerie » for « ressourcerie »: the catalogue tells them apart; no « jeunesse » for
« jeunes »: every example of « Éducation et jeunesse » would answer).
"""

from django.db import migrations

GROUPS = [
    "école, scolaire, écolier",
    "collège, collégien",
    "lycée, lycéen",
    "mécénat, mécène, philanthropie",
    "vélo, cyclable, cycliste, bicyclette",
    "alimentaire, alimentation, nourriture",
    "insertion, réinsertion",
    "emploi, embauche, recrutement",
    "numérique, digital",
    "bénévole, bénévolat, volontaire, volontariat",
    "agriculture, agriculteur, agricole, paysan",
    "gaspillage, gaspi",
]


CURATORS = "Curateurs"  # catalogue/migrations/0004_curators_group.py
# No deletion, as for everything else curators keep (catalogue 0004): an administrator deletes.
ACTIONS = ("view", "add", "change")


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    SynonymGroup = apps.get_model("catalogue", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(SynonymGroup(words=words) for words in GROUPS)
    # Django makes a new model's permissions after `migrate`: make them now for the group.
    app_config = apps.get_app_config("catalogue")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name=CURATORS).first()
    if group is not None:
        codenames = [f"{action}_synonymgroup" for action in ACTIONS]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="catalogue", codename__in=codenames)
        )


def unseed(apps, schema_editor):
    apps.get_model("catalogue", "SynonymGroup").objects.filter(words__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0015_search_synonyms_and_word_display"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
