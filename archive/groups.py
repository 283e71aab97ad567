"""The three curator groups and their permissions, kept in one definition.

Contributor: create and edit drafts (no publishing, no deleting records).
Editor: also review and edit others' work.
Publisher: also publish, withdraw, and delete drafts.
Translator: read every record and write its translations, in any state, and nothing
else (see `archive.workflow.may_translate` and the rule for published records there).
Archive manager: invite curators, give them one of the three groups, deactivate
accounts (Admin > Users); nothing else, and never more than it has
(`archive.workflow.may_manage_account`). Usually given to a Publisher as well.

Used by migration 0002 (with the migration's app registry) and by `quickstart`, which
re-creates the groups if they were deleted or emptied.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.utils.translation import pgettext_lazy

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


#: Groups added after migration 0002, by the migration that adds their permissions.
LATER_GROUPS = ("Translator",)
#: The groups a curator is given; an Archive manager assigns only these.
CURATOR_GROUPS = ("Contributor", "Editor", "Publisher")
MANAGER_GROUP = "Archive manager"
#: What the admin calls each group in the curator's language (the group rows keep
#: their English names: migrations, `quickstart` and the rules find them by name).
LABELS = {
    "Contributor": pgettext_lazy("curator group", "Contributor"),
    "Editor": pgettext_lazy("curator group", "Editor"),
    "Publisher": pgettext_lazy("curator group", "Publisher"),
    "Translator": pgettext_lazy("curator group", "Translator"),
    "Archive manager": pgettext_lazy("curator group", "Archive manager"),
}


def label(name: str) -> str:
    """A group's name in the active language (other groups keep their own)."""
    return str(LABELS.get(name, name))


#: The Archive manager's permissions (Django's own user model): no delete (accounts
#: are deactivated, so their history keeps its author), no group or permission
#: editing (that would grant more than the three groups).
MANAGER_PERMISSIONS = ("auth.view_user", "auth.add_user", "auth.change_user")


def group_permissions() -> dict[str, list[str]]:
    """The curator groups' permissions on the archive's models (codenames)."""
    edit = ("view", "add", "change")
    contributor = [f"{action}_{m}" for m in PUBLISHABLE for action in edit]
    contributor += [f"{a}_{m}" for m in CHILDREN for a in (*edit, "delete")]
    contributor += ["view_term", "view_rendition"]
    editor = contributor + [f"review_{m}" for m in PUBLISHABLE]
    editor += ["add_term", "change_term", "view_taskreport"]
    publisher = editor + [f"publish_{m}" for m in PUBLISHABLE]
    publisher += [f"delete_{m}" for m in PUBLISHABLE]
    publisher += ["delete_term", "view_apiclient", "add_apiclient", "change_apiclient"]
    translator = [f"{a}_{m}" for m in PUBLISHABLE for a in ("view", "translate")]
    translator += [f"view_{m}" for m in CHILDREN] + ["view_term"]
    publisher += ["change_taskreport"]
    return {
        "Contributor": contributor,
        "Editor": editor,
        "Publisher": publisher,
        "Translator": translator,
    }


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
        permissions = Permission.objects.filter(
            content_type__app_label="archive", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing and apps is not global_apps and name in LATER_GROUPS:
            # An earlier migration's models lack this group's permissions; the
            # migration that adds them (0012 for the Translator) creates it.
            continue
        # In a migration, models created by later migrations have no permissions
        # yet; the migration that creates such a model grants them.
        if missing and apps is global_apps:
            raise RuntimeError(f"Permissions not found for {name}: {sorted(missing)}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
    manager, _created = Group.objects.get_or_create(name=MANAGER_GROUP)
    query = Permission.objects.none()
    for label in MANAGER_PERMISSIONS:
        app_label, codename = label.split(".")
        query |= Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    if query.count() != len(MANAGER_PERMISSIONS):
        raise RuntimeError(f"Permissions not found for {MANAGER_GROUP}")
    manager.permissions.set(query)
