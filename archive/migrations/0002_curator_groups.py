"""Create the three curator groups and their permissions.

Contributor: create and edit drafts (no publishing, no deleting records).
Editor: also review and edit others' work.
Publisher: also publish, withdraw, and delete drafts.
"""

from django.db import migrations

from archive.groups import ensure_curator_groups


def create_groups(apps, schema_editor):
    ensure_curator_groups(apps)


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
