"""Who may write what, in the record's current state: the one place that decides.

The admin's change form, history revert, list actions, inlines, exhibition sections
and items, deletes and the preview view all ask here, and so do the workflow
transitions in `archive.services`. A rule changed here changes on every path.

The rules, per record kind (model-specific permissions, see `archive.groups`):

- *change* permission lets a curator edit their own drafts;
- *review* permission also lets them edit anyone's draft or record in review;
- *publish* permission also lets them edit published and withdrawn records.

Translations have a rule of their own (`may_translate`): a Translator (the
*translate* permission) may write the translations of any record, in any state,
published ones included, and nothing else; anyone who may edit a record may also
edit its translations. A translation saved on a published record goes live at once:
it passed the facts check (`archive.facts`, which refuses a translator's save that
drops or changes a number or a name), it is marked "translated" with the
translator's name and date, and it waits in the dashboard's "translations awaiting
review" until someone with *review* permission marks it reviewed. History keeps
every such change, and a curator who may edit the record can revert it.

An exhibition's sections and items follow the exhibition's state: editing, adding or
deleting one is editing the exhibition. Other models without a workflow (terms, API
clients) need only Django's model permission.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, router
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from archive.models import (
    Citation,
    ExhibitionItem,
    ExhibitionSection,
    Publishable,
    Status,
)

User = AbstractBaseUser | AnonymousUser

#: Fields a history revert never restores: the workflow and provenance own them.
REVERT_KEEPS = (
    "status",
    "published_at",
    "first_public_at",
    "first_exhibited_at",
    "access",
    "publish_at",
    "scheduled_by",
    "created_by",
    "created_at",
    "uuid",
    "is_synthetic",
)
#: States in which a record has (had) an audience and is never deleted.
SHOWN_STATES = (Status.PUBLISHED, Status.WITHDRAWN)


def _has(user: User, action: str, model: type[models.Model]) -> bool:
    meta = model._meta
    return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")


def governing_record(obj: models.Model) -> Publishable | None:
    """The record whose workflow state decides who may write `obj`: the record
    itself, or the exhibition an exhibition section or item belongs to."""
    if isinstance(obj, Publishable):
        return obj
    if isinstance(obj, ExhibitionSection):
        return obj.exhibition if obj.exhibition_id else None
    if isinstance(obj, ExhibitionItem):
        return obj.section.exhibition if obj.section_id else None
    return None


def may_edit_record(user: User, record: Publishable) -> bool:
    """May `user` change this record in its current state (change permission on
    its model assumed)? See the module docstring for the rules."""
    model = type(record)
    if _has(user, "publish", model):
        return True
    if record.status in SHOWN_STATES:
        return False
    if _has(user, "review", model):
        return True
    return record.status == Status.DRAFT and record.created_by_id == user.pk


def editable_q(user: User, model: type[Publishable]) -> Q:
    """`may_edit_record` as a condition on `model`'s rows (form choices, checks)."""
    if not _has(user, "change", model):
        return Q(pk__in=[])
    if _has(user, "publish", model):
        return Q()
    if _has(user, "review", model):
        return Q(status__in=[Status.DRAFT, Status.REVIEW])
    return Q(status=Status.DRAFT, created_by_id=user.pk)


def may_translate(user: User, record: Publishable) -> bool:
    """May `user` write this record's translations (see the module docstring)?"""
    return _has(user, "translate", type(record)) or may_change(user, record)


def translating_only(user: User, record: Publishable) -> bool:
    """`user` may write this record's translations but nothing else of it."""
    return _has(user, "translate", type(record)) and not may_change(user, record)


def may_review_translations(user: User, record: Publishable) -> bool:
    """Marking translations reviewed changes no text: review permission on the
    model is enough, in any state (Editors review published translations too)."""
    return _has(user, "review", type(record))


def may_change(user: User, obj: models.Model) -> bool:
    """Change permission on the model, and the workflow allows it in this state."""
    if not _has(user, "change", type(obj)):
        return False
    record = governing_record(obj)
    if record is None:
        return True
    if record is not obj and not _has(user, "change", type(record)):
        return False
    return may_edit_record(user, record)


def may_delete(user: User, obj: models.Model) -> bool:
    """Delete permission, and the record was never shown: published and withdrawn
    records are withdrawn, not deleted. A section or item may be deleted when its
    exhibition may be edited."""
    if not _has(user, "delete", type(obj)):
        return False
    record = governing_record(obj)
    if record is None:
        return True
    if record is obj:
        return record.status not in SHOWN_STATES
    return may_change(user, record)


def may_view(user: User, model: type[models.Model]) -> bool:
    """View (or change) permission on the model: what a preview link requires."""
    return bool(
        user.is_active
        and user.is_staff
        and (_has(user, "view", model) or _has(user, "change", model))
    )


# Deletion ------------------------------------------------------------------------


def deletion_blockers(user: User, objs: Iterable[models.Model]) -> list[str]:
    """Why deleting `objs` would change a record this user may not change, or one
    that has been shown: one sentence per record affected, empty when none is.

    Django's collector lists every row a delete would remove (cascades) or empty
    (SET_NULL), which catches a published recognition losing its ceremony when that
    draft event goes, or a published exhibition losing a section. Exhibition items
    point at records without a foreign key, so they are looked up as well.
    """
    objs = list(objs)
    if not objs:
        return []
    deleting = {(type(obj), obj.pk) for obj in objs}
    collector = Collector(using=router.db_for_write(type(objs[0])))
    try:
        collector.collect(objs)
    except (ProtectedError, RestrictedError):
        return []  # Django refuses this delete itself and lists what protects it
    affected: list[models.Model] = []
    for model, instances in collector.data.items():
        affected.extend(
            instance for instance in instances if (model, instance.pk) not in deleting
        )
    for _key, batches in collector.field_updates.items():
        for batch in batches:
            affected.extend(batch)
    for obj in objs:
        content_type = ContentType.objects.get_for_model(type(obj))
        affected.extend(
            ExhibitionItem.objects.select_related("section__exhibition").filter(
                content_type=content_type, object_id=obj.pk
            )
        )
    # Deleting a section or item is an edit of its exhibition, which `may_delete`
    # already allowed; any other record it touches must not have been shown.
    edited = {
        (type(r), r.pk)
        for obj in objs
        if (r := governing_record(obj)) is not None and r is not obj
    }
    reasons: dict[tuple[type, Any], str] = {}
    for row in affected:
        for owner in _owners(row):
            key = (type(owner), owner.pk)
            if key in deleting or key in reasons:
                continue
            if key in edited and may_change(user, owner):
                continue
            if owner.status in SHOWN_STATES or not may_change(user, owner):
                reasons[key] = _(
                    "%(record)s (%(status)s) refers to it and would be changed: "
                    "withdraw it or edit it first."
                ) % {
                    "record": owner.record_label(),
                    "status": owner.get_status_display().lower(),
                }
    return list(reasons.values())


def _owners(row: models.Model) -> list[Publishable]:
    """The records a row belongs to or is shown on (its own record for a record)."""
    if isinstance(row, Publishable):
        return [row]
    if isinstance(row, Citation):
        record = row.record
        return [record] if isinstance(record, Publishable) else []
    record = governing_record(row)
    if record is not None:
        return [record]
    owners = []
    for field in row._meta.concrete_fields:
        if not field.is_relation or not field.many_to_one:
            continue
        target = getattr(row, field.name, None)
        if isinstance(target, Publishable):
            owners.append(target)
        elif target is not None and field.related_model._meta.app_label == "archive":
            owners.extend(
                owner for owner in _owners(target) if isinstance(owner, Publishable)
            )
    return owners


# Accounts ------------------------------------------------------------------------


def may_manage_account(user: User, account: models.Model | None) -> bool:
    """May `user` change this account (its groups, password, active flag)?

    A superuser may change any account. An Archive manager (change permission on
    users) may change only ordinary curators: not a superuser, not itself, and not
    an account with permissions beyond the three curator groups (another manager,
    or direct permissions), so it can never grant anyone, itself included, more
    than a Publisher has.
    """
    from archive.groups import CURATOR_GROUPS

    if not user.has_perm("auth.change_user"):
        return False
    if user.is_superuser or account is None:
        return True
    if account.pk == user.pk or account.is_superuser:
        return False
    if account.user_permissions.exists():
        return False
    return not account.groups.exclude(name__in=CURATOR_GROUPS).exists()
