"""Writes that span several models or have side effects: the publishing workflow.

Every function is keyword-only, typed and atomic, takes the acting user, and defers
side effects until the commit (`archive.effects` holds them all; it hears of a
committed step through `archive.signals.status_changed`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive import signals, workflow
from archive.models import Publishable, Status


class WorkflowError(Exception):
    """A workflow step that is not allowed; the message names the record and why."""


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: where from, where to, and who may take it."""

    name: str
    sources: tuple[str, ...]
    target: str
    permission: str  # "add" (any curator), "review" or "publish"


SUBMIT = Transition("submit", (Status.DRAFT,), Status.REVIEW, "change")
RETURN_TO_DRAFT = Transition("return", (Status.REVIEW,), Status.DRAFT, "review")
PUBLISH = Transition(
    "publish",
    (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN),
    Status.PUBLISHED,
    "publish",
)
WITHDRAW = Transition("withdraw", (Status.PUBLISHED,), Status.WITHDRAWN, "publish")


def user_may(
    user: AbstractBaseUser, transition: Transition, record: Publishable
) -> bool:
    """The transition's permission on the record's model and, for a submission,
    the right to edit the record as it is (a Contributor submits only their own
    drafts; `archive.workflow` decides)."""
    meta = record._meta
    if not user.has_perm(f"{meta.app_label}.{transition.permission}_{meta.model_name}"):
        return False
    if transition.permission == "change":
        return workflow.may_edit_record(user, record)
    return True


def record_transition(
    *,
    record: Publishable,
    transition: Transition,
    acting_user: AbstractBaseUser,
    reason: str = "",
) -> Publishable:
    """Move one record through the workflow, or raise WorkflowError saying why not.

    Publishing, by hand or on schedule, also clears any scheduled publication time.
    `reason` replaces the history's default "<step> by <user>".
    """
    label = record.record_label()
    if not user_may(acting_user, transition, record):
        raise WorkflowError(
            _("%(record)s: you do not have permission to %(action)s it.")
            % {"record": label, "action": transition.name}
        )
    with transaction.atomic():
        locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
        if not user_may(acting_user, transition, locked):
            raise WorkflowError(
                _("%(record)s: you do not have permission to %(action)s it.")
                % {"record": label, "action": transition.name}
            )
        if locked.status not in transition.sources:
            raise WorkflowError(
                _("%(record)s: cannot %(action)s a record that is %(status)s.")
                % {
                    "record": label,
                    "action": transition.name,
                    "status": locked.get_status_display().lower(),
                }
            )
        if transition.target == Status.PUBLISHED:
            problems = locked.publication_problems()
            if problems:
                raise WorkflowError(
                    _("%(record)s: %(problems)s missing.")
                    % {"record": label, "problems": _(" and ").join(_join(problems))}
                )
        previous = locked.status
        locked.status = transition.target
        if transition.target == Status.PUBLISHED:
            locked.published_at = locked.published_at or timezone.now()
            locked.publish_at = None
            locked.scheduled_by = None
        locked._change_reason = reason or f"{transition.name} by {acting_user}"
        locked.save()  # what follows any save (e.g. an image's renditions) follows
        transaction.on_commit(
            lambda: signals.status_changed.send(
                sender=type(locked),
                record=locked,
                old_status=previous,
                new_status=transition.target,
            )
        )
    record.refresh_from_db()
    return record


def _join(problems: list[str]) -> list[str]:
    """['a', 'b', 'c'] -> ['a, b', 'c'] so ' and ' joins only the last two."""
    if len(problems) <= 2:
        return problems
    return [", ".join(problems[:-1]), problems[-1]]


def record_submit(*, record: Publishable, acting_user: AbstractBaseUser) -> Publishable:
    return record_transition(record=record, transition=SUBMIT, acting_user=acting_user)


def record_return_to_draft(
    *, record: Publishable, acting_user: AbstractBaseUser
) -> Publishable:
    return record_transition(
        record=record, transition=RETURN_TO_DRAFT, acting_user=acting_user
    )


def record_publish(
    *, record: Publishable, acting_user: AbstractBaseUser
) -> Publishable:
    return record_transition(record=record, transition=PUBLISH, acting_user=acting_user)


def record_withdraw(
    *, record: Publishable, acting_user: AbstractBaseUser
) -> Publishable:
    return record_transition(
        record=record, transition=WITHDRAW, acting_user=acting_user
    )


# --- Scheduled publication and embargo release (run by archive.tasks) -------------


def record_publish_scheduled(*, record: Publishable) -> Publishable:
    """Publish a record whose publication time has come, in the name of whoever
    scheduled it and through the same checks as the Publish action (their right to
    publish, the record's state, the publication rules). Raises WorkflowError."""
    user = record.scheduled_by
    if user is None or not user.is_active:
        raise WorkflowError(
            _("%(record)s: nobody who may publish it scheduled it.")
            % {"record": record.record_label()}
        )
    return record_transition(
        record=record,
        transition=PUBLISH,
        acting_user=user,
        reason=_("scheduled publication by %(user)s") % {"user": user},
    )


def record_cancel_schedule(*, record: Publishable, reason: str) -> Publishable:
    """Clear a record's publication time (a refused scheduled publication), with
    the reason in its history."""
    with transaction.atomic():
        locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
        locked.publish_at = None
        locked.scheduled_by = None
        locked._change_reason = _("scheduled publication cancelled: %(reason)s") % {
            "reason": reason
        }
        locked.save()
    return locked


def record_release_embargo(
    *, record: Publishable, today: datetime.date
) -> Publishable | None:
    """End a published record's embargo once its date has come: the record is saved
    (so everything that follows a save follows: its audiences' stamps, an image's
    public renditions) and its history says when the embargo ended. None when there
    was nothing to release (already released: the task is idempotent)."""
    with transaction.atomic():
        locked = (
            type(record)
            ._default_manager.select_for_update()
            .filter(pk=record.pk, status=Status.PUBLISHED, embargo_until__lte=today)
            .first()
        )
        if locked is None:
            return None
        ended = locked.embargo_until
        locked.embargo_until = None
        locked._change_reason = _("embargo ended on %(date)s") % {"date": ended}
        locked.save()
    return locked
