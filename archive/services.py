"""Writes that span several models or have side effects: the publishing workflow.

Every function is keyword-only, typed and atomic, takes the acting user, and defers
side effects until the commit (`archive.effects` holds them all; it hears of a
committed step through `archive.signals.status_changed`).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from archive import facts, provenance, signals, workflow
from archive.models import (
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Place,
    Publishable,
    Status,
    Term,
)
from archive.search import index as search_index


class WorkflowError(Exception):
    """A workflow step that is not allowed; the message names the record and why."""


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: where from, where to, and who may take it."""

    name: str
    sources: tuple[str, ...]
    target: str
    permission: str  # "add" (any curator), "review" or "publish"
    # The step as a verb in curators' messages ("cannot publish a record that
    # is draft"), translated; `name` stays an untranslated code for the history.
    verb: str


SUBMIT = Transition(
    "submit",
    (Status.DRAFT,),
    Status.REVIEW,
    "change",
    pgettext_lazy("workflow step", "submit"),
)
RETURN_TO_DRAFT = Transition(
    "return",
    (Status.REVIEW,),
    Status.DRAFT,
    "review",
    pgettext_lazy("workflow step", "return"),
)
PUBLISH = Transition(
    "publish",
    (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN),
    Status.PUBLISHED,
    "publish",
    pgettext_lazy("workflow step", "publish"),
)
WITHDRAW = Transition(
    "withdraw",
    (Status.PUBLISHED,),
    Status.WITHDRAWN,
    "publish",
    pgettext_lazy("workflow step", "withdraw"),
)


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
            % {"record": label, "action": transition.verb}
        )
    with transaction.atomic():
        locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
        if not user_may(acting_user, transition, locked):
            raise WorkflowError(
                _("%(record)s: you do not have permission to %(action)s it.")
                % {"record": label, "action": transition.verb}
            )
        if locked.status not in transition.sources:
            raise WorkflowError(
                _("%(record)s: cannot %(action)s a record that is %(status)s.")
                % {
                    "record": label,
                    "action": transition.verb,
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


# Translations ----------------------------------------------------------------------


class TranslationError(WorkflowError):
    """A translation that may not be saved: not allowed, or it changes facts."""


def translation_fact_problems(
    *, record: Publishable, texts: dict[str, str], names: list[str] | None = None
) -> dict[str, list[str]]:
    """Per column of `texts`, how the translation differs in facts from the
    field's original (`archive.facts`), in a curator's words; empty when none."""
    names = provenance.person_names() if names is None else names
    problems: dict[str, list[str]] = {}
    for column, text in texts.items():
        parts = provenance.split_column(record, column)
        if parts is None:
            continue
        field, code = parts
        original_code = provenance.original_language(
            record.translation_provenance, field
        )
        if code == original_code:
            continue
        original = getattr(record, f"{field}_{original_code}", "") or ""
        found = facts.differences(original, text or "", names=names)
        if found:
            problems[column] = [
                difference.describe(
                    provenance.language_name(original_code),
                    provenance.language_name(code),
                )
                for difference in found
            ]
    return problems


@transaction.atomic
def record_translate(
    *, record: Publishable, texts: dict[str, str], acting_user: AbstractBaseUser
) -> Publishable:
    """Write translations (`{"story_fr": "..."}`) of one record, in any state, and
    note who translated them and when; nothing else of the record changes.

    Refused (TranslationError, nothing written) when the user may not translate
    the record, a column is not a translation (another field, or the field's
    original language), or a translation changes a number or drops a name.
    """
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    label = locked.record_label()
    if not workflow.may_translate(acting_user, locked):
        raise TranslationError(
            _("%(record)s: you do not have permission to translate it.")
            % {"record": label}
        )
    allowed = set(provenance.translation_columns(locked))
    refused = sorted(set(texts) - allowed)
    if refused:
        raise TranslationError(
            _("%(record)s: %(fields)s is not a translation you may write.")
            % {"record": label, "fields": ", ".join(refused)}
        )
    changed = {
        column: (text or "").strip()
        for column, text in texts.items()
        if (text or "").strip() != (getattr(locked, column) or "").strip()
    }
    if not changed:
        return locked
    problems = translation_fact_problems(record=locked, texts=changed)
    if problems:
        raise TranslationError(
            _("%(record)s: the translation changes facts: %(problems)s.")
            % {
                "record": label,
                "problems": "; ".join(p for found in problems.values() for p in found),
            }
        )
    today = timezone.localdate()
    by = provenance.person_label(acting_user)
    for column, text in changed.items():
        setattr(locked, column, text or None)
        provenance.note_translation(locked, column, by=by, on=today)
    codes = sorted({column.rpartition("_")[2] for column in changed})
    locked._change_reason = f"translation ({', '.join(codes)}) by {acting_user}"
    locked._history_user = acting_user
    locked.save()
    return locked


@transaction.atomic
def record_review_translations(
    *, record: Publishable, acting_user: AbstractBaseUser
) -> list[str]:
    """Mark the record's unreviewed translations reviewed by `acting_user`; the
    columns marked (empty: nothing was written)."""
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if not workflow.may_review_translations(acting_user, locked):
        raise TranslationError(
            _("%(record)s: you do not have permission to review its translations.")
            % {"record": locked.record_label()}
        )
    columns = provenance.note_reviewed(
        locked, by=provenance.person_label(acting_user), on=timezone.localdate()
    )
    if columns:
        locked._change_reason = f"translations reviewed by {acting_user}"
        locked._history_user = acting_user
        locked.save()
    return columns


#: Fields a batch edit may set on many records at once (workflow state excluded:
#: status only changes through the transitions above).
BATCH_FIELDS = ("access", "embargo_until", "content_warning_en")
#: What a batch edit does to a link: set a single one (a foreign key), or add or
#: remove one of several (a many-to-many field).
SET, ADD, REMOVE = "set", "add", "remove"


def batch_links(model: type[Publishable]) -> list[models.Field]:
    """The model's fields that point at a term or a place (a batch edit may set,
    add or remove one): `roles` of a person, `places` of an event..."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and not field.auto_created
        and (field.many_to_one or field.many_to_many)
        and field.related_model in (Term, Place)
    ]


def batch_problem(
    model: type[Publishable], field: str, value: object, operation: str
) -> str | None:
    """Why `operation` of `field` to `value` is not a batch edit of `model`, in a
    curator's words; None when it is one."""
    if field in BATCH_FIELDS:
        return (
            None
            if operation == SET
            else _("%(field)s can only be set.") % {"field": field}
        )
    link = next((f for f in batch_links(model) if f.name == field), None)
    if link is None:
        return _("%(field)s cannot be batch edited.") % {"field": field}
    if operation not in ((ADD, REMOVE) if link.many_to_many else (SET,)):
        return _("%(field)s cannot be changed that way.") % {"field": link.verbose_name}
    if value is None:
        return None if operation == SET and link.null else _("Choose a value.")
    allowed = link.related_model._default_manager.complex_filter(
        link.get_limit_choices_to()
    )
    if (
        not isinstance(value, link.related_model)
        or not allowed.filter(pk=value.pk).exists()
    ):
        return _("%(value)s cannot be used for %(field)s.") % {
            "value": value,
            "field": link.verbose_name,
        }
    return None


def records_set_field(
    *,
    records: list[Publishable],
    field: str,
    value: object,
    acting_user: AbstractBaseUser,
    operation: str = SET,
) -> tuple[list[Publishable], list[str]]:
    """Set one field on many records (or add or remove a term or place of a
    many-to-many field), each only if `acting_user` may edit it in its current
    state (`archive.workflow`). Returns the records changed and one sentence per
    record refused. Each change is a version in the record's history, saying it
    was a batch edit and what it did; all of them land together or none.

    The records are read and locked with one query per kind, not one per record,
    and their search documents are rebuilt together at the end; each changed
    record is still saved on its own, so its history, its first public sighting
    and every other effect of a save follow as after any edit."""
    by_model: dict[type[Publishable], list[int]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record.pk)
    for model in by_model:
        problem = batch_problem(model, field, value, operation)
        if problem:
            raise WorkflowError(problem)
    what = field if operation == SET else f"{field} ({operation} {value})"
    reason = f"Batch edit of {what} by {acting_user}"
    changed: list[Publishable] = []
    refused: list[str] = []
    with transaction.atomic(), search_index.batched():
        for model, pks in by_model.items():
            locked_rows = model._default_manager.select_for_update().in_bulk(pks)
            for pk in dict.fromkeys(pks):
                locked = locked_rows.get(pk)
                if locked is None:
                    continue  # deleted since it was selected
                if not workflow.may_change(acting_user, locked):
                    refused.append(
                        _("%(record)s: you may not edit it as it is now (%(status)s).")
                        % {
                            "record": locked.record_label(),
                            "status": locked.get_status_display().lower(),
                        }
                    )
                    continue
                if operation == SET:
                    setattr(locked, field, value)
                locked._change_reason = reason
                locked._history_user = acting_user
                locked.save()
                if operation == ADD:
                    getattr(locked, field).add(value)
                elif operation == REMOVE:
                    getattr(locked, field).remove(value)
                changed.append(locked)
    return changed, refused


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


# --- Exhibition arrangement: the order of sections and items ------------------------


class ArrangementError(WorkflowError):
    """An arrangement that does not fit the exhibition (ids of another exhibition's
    rows, a row twice or missing, a move past the ends): nothing is changed."""


class StaleArrangement(ArrangementError):
    """The exhibition was arranged (or a row added or removed) since the curator
    read it: nothing is changed, the curator looks again."""


@dataclass(frozen=True)
class Arrangement:
    """An exhibition's order: its section ids in order, each with its item ids in
    order. `stamp()` names one arrangement, so a move made on an old page is
    refused rather than applied to rows that have moved since."""

    sections: tuple[tuple[int, tuple[int, ...]], ...]

    @classmethod
    def of(cls, exhibition: Exhibition) -> Arrangement:
        """The stored order (two queries), as the public pages and the API read it."""
        section_ids = list(
            ExhibitionSection.objects.filter(exhibition=exhibition)
            .order_by("position", "id")
            .values_list("id", flat=True)
        )
        items: dict[int, list[int]] = {pk: [] for pk in section_ids}
        for item_id, section_id in (
            ExhibitionItem.objects.filter(section__exhibition=exhibition)
            .order_by("position", "id")
            .values_list("id", "section_id")
        ):
            items[section_id].append(item_id)
        return cls(tuple((pk, tuple(items[pk])) for pk in section_ids))

    def stamp(self) -> str:
        return hashlib.sha256(repr(self.sections).encode()).hexdigest()[:16]

    def section_ids(self) -> list[int]:
        return [pk for pk, _items in self.sections]

    def item_ids(self) -> list[int]:
        return [pk for _section, items in self.sections for pk in items]

    def holds_the_rows_of(self, other: Arrangement) -> bool:
        """The same sections and items as `other`, each exactly once."""
        mine, theirs = self.section_ids(), other.section_ids()
        items, their_items = self.item_ids(), other.item_ids()
        return (
            len(set(mine)) == len(mine)
            and sorted(mine) == sorted(theirs)
            and len(set(items)) == len(items)
            and sorted(items) == sorted(their_items)
        )

    def moved(self, *, kind: str, pk: int, up: bool) -> Arrangement:
        """One step up or down. An item first in its section moves up to the end
        of the section before; last in its section, down to the start of the next.
        Raises ArrangementError for a row that is not here or cannot move so."""
        step = -1 if up else 1
        order = [(section, list(items)) for section, items in self.sections]
        if kind == "section":
            ids = self.section_ids()
            if pk not in ids:
                raise ArrangementError(_("That section is not in this exhibition."))
            index = ids.index(pk)
            other = index + step
            if not 0 <= other < len(order):
                raise ArrangementError(_("That section cannot move further."))
            order[index], order[other] = order[other], order[index]
        elif kind == "item":
            where = next(
                (i for i, (_s, items) in enumerate(order) if pk in items), None
            )
            if where is None:
                raise ArrangementError(_("That item is not in this exhibition."))
            items = order[where][1]
            index = items.index(pk)
            other = index + step
            if 0 <= other < len(items):
                items[index], items[other] = items[other], items[index]
            else:
                target = where + step
                if not 0 <= target < len(order):
                    raise ArrangementError(_("That item cannot move further."))
                items.remove(pk)
                if up:
                    order[target][1].append(pk)
                else:
                    order[target][1].insert(0, pk)
        else:
            raise ArrangementError(_("Move a section or an item."))
        return Arrangement(tuple((section, tuple(items)) for section, items in order))


def exhibition_arrange(
    *,
    exhibition: Exhibition,
    arrangement: Arrangement,
    stamp: str,
    acting_user: AbstractBaseUser,
) -> int:
    """Put an exhibition's sections and items in the given order (an item may
    change section), in one transaction, or change nothing and raise.

    An edit of the exhibition like any other (`archive.workflow`): refused with
    WorkflowError to whoever may not change it, or the sections and items, as it is
    now; on a published exhibition (a Publisher's edit) it shows at once, as a
    section saved on its own page does. StaleArrangement when `stamp` is not the
    stored order's, ArrangementError when the rows are not the exhibition's.

    History: the exhibition gets a version ("Reordered by ..."), then each section
    that moved or whose items moved, then each item that moved, so each record's
    history lists what moved under its own version and a revert to an earlier
    version puts the order back (`archive.admin.history`). Saving the exhibition
    also moves its `updated_at`, so kiosks syncing through `changes/` fetch the new
    order. Returns the number of sections and items moved (0: nothing saved).
    """
    with transaction.atomic(), search_index.batched():
        locked = Exhibition.objects.select_for_update().get(pk=exhibition.pk)
        if not workflow.may_change(acting_user, locked):
            raise WorkflowError(
                _("%(record)s: you may not edit it as it is now (%(status)s).")
                % {
                    "record": locked.record_label(),
                    "status": locked.get_status_display().lower(),
                }
            )
        current = Arrangement.of(locked)
        if stamp != current.stamp():
            raise StaleArrangement(
                _(
                    "Nothing was moved: the exhibition was arranged, or a section or "
                    "item added or removed, since you opened this page. Here it is "
                    "as it is now."
                )
            )
        if not arrangement.holds_the_rows_of(current):
            raise ArrangementError(
                _(
                    "Nothing was moved: the order must list every section and item "
                    "of this exhibition once, and nothing else."
                )
            )
        sections = {row.pk: row for row in locked.sections.all()}
        items = {
            row.pk: row
            for row in ExhibitionItem.objects.filter(section__exhibition=locked)
        }
        moved_sections: dict[int, ExhibitionSection] = {}
        moved_items: list[ExhibitionItem] = []
        for place, (section_id, item_ids) in enumerate(arrangement.sections, 1):
            section = sections[section_id]
            if section.position != place:
                section.position = place
                moved_sections[section_id] = section
            for item_place, item_id in enumerate(item_ids, 1):
                item = items[item_id]
                if item.position == item_place and item.section_id == section_id:
                    continue
                for touched in (item.section_id, section_id):
                    moved_sections.setdefault(touched, sections[touched])
                item.position, item.section_id = item_place, section_id
                moved_items.append(item)
        for row in (*moved_sections.values(), *moved_items):
            if not workflow.may_change(acting_user, row):
                raise WorkflowError(
                    _("You may not change the %(rows)s of this exhibition.")
                    % {"rows": row._meta.verbose_name_plural}
                )
        if not moved_sections and not moved_items:
            return 0
        reason = f"Reordered by {acting_user}"
        for row in (locked, *moved_sections.values(), *moved_items):
            row._change_reason = reason
            row._history_user = acting_user
            row.save()
    return len(moved_sections) + len(moved_items)
