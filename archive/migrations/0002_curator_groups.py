"""Create the three curator groups and their permissions.

Contributor: create and edit drafts (no publishing, no deleting records).
Editor: also review and edit others' work.
Publisher: also publish, withdraw, and delete drafts.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHABLE = [
    "place",
    "person",
    "organisation",
    "event",
    "source",
    "image",
    "testimony",
    "recognition",
    "figure",
    "exhibition",
]
# Rows edited inside a record's page (inlines): removing a row is part of editing.
CHILDREN = [
    "citation",
    "namevariant",
    "membership",
    "eventparticipant",
    "testimonyparticipant",
    "testimonysegment",
    "transcript",
    "rescuer",
    "rescuedperson",
    "exhibitionsection",
    "exhibitionitem",
]


def group_permissions() -> dict[str, list[str]]:
    edit = ("view", "add", "change")
    contributor = [f"{action}_{m}" for m in PUBLISHABLE for action in edit]
    contributor += [f"{a}_{m}" for m in CHILDREN for a in (*edit, "delete")]
    contributor += ["view_term", "view_rendition"]
    editor = contributor + [f"review_{m}" for m in PUBLISHABLE]
    editor += ["add_term", "change_term"]
    publisher = editor + [f"publish_{m}" for m in PUBLISHABLE]
    publisher += [f"delete_{m}" for m in PUBLISHABLE]
    publisher += ["delete_term", "view_apiclient", "add_apiclient", "change_apiclient"]
    return {"Contributor": contributor, "Editor": editor, "Publisher": publisher}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in group_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="archive", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Contributor", "Editor", "Publisher"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
