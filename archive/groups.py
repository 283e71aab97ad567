"""The three curator groups and their permissions, kept in one definition.

Contributor: create and edit drafts (no publishing, no deleting records).
Editor: also review and edit others' work.
Publisher: also publish, withdraw, and delete drafts.

Used by migration 0002 (with the migration's app registry) and by `quickstart`, which
re-creates the groups if they were deleted or emptied.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from archive import kinds

PUBLISHABLE = [kind.name for kind in kinds.KINDS]
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
    editor += ["add_term", "change_term", "view_taskreport"]
    publisher = editor + [f"publish_{m}" for m in PUBLISHABLE]
    publisher += [f"delete_{m}" for m in PUBLISHABLE]
    publisher += ["delete_term", "view_apiclient", "add_apiclient", "change_apiclient"]
    publisher += ["change_taskreport"]
    return {"Contributor": contributor, "Editor": editor, "Publisher": publisher}


def ensure_curator_groups(apps=global_apps) -> None:
    """Create or update the groups so they hold exactly the permissions above."""
    # Permissions are normally created after all migrations; create them now.
    for app_config in apps.get_app_configs():
        if apps is global_apps:
            create_permissions(app_config, verbosity=0)
            continue
        # A migration's app registry has no models modules; pretend for the call.
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
        # In a migration, models created by later migrations have no permissions
        # yet; the migration that creates such a model grants them.
        if missing and apps is global_apps:
            raise RuntimeError(f"Permissions not found for {name}: {sorted(missing)}")
        group.permissions.set(permissions)
