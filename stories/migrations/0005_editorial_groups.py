"""Groups Writer and Editor with the permissions the editorial workflow needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = {
    "stories": [
        "story", "category", "source", "storysource", "keyindicator", "scenario",
        "historicalcontext", "historicalvoice", "updatenote",
    ],
    "people": ["person", "organization", "storyperson", "storyorganization"],
    "timelines": ["timelineevent"],
}


def codenames(actions):
    return [(app, f"{action}_{model}") for app, models in CONTENT.items() for model in models for action in actions]


WRITER = codenames(["add", "change", "view"])
EDITOR = codenames(["add", "change", "view", "delete"]) + [
    ("stories", "publish_story"),
    ("stories", "view_auditentry"),
    ("stories", "view_trashedstory"),
    ("stories", "change_trashedstory"),
    ("stories", "delete_trashedstory"),
]


def make_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Writer", WRITER), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in wanted
        ]
        group.permissions.add(*perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writer", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0004_workflow_trash_notes_audit"),
        ("people", "0001_initial"),
        ("timelines", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
