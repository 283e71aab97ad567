"""Create the Archive manager group (see `archive.groups`)."""

from django.db import migrations

from archive.groups import MANAGER_GROUP, ensure_curator_groups


def create_groups(apps, schema_editor):
    ensure_curator_groups(apps)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MANAGER_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_translation_provenance"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_group)]
