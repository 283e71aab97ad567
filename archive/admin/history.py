"""A record's history includes its inline rows: listed with what changed, restored
by a revert.

Rows edited inside a record's page (rescuers, citations, segments, sections...) keep
their own history (`archive.translation` registers it). A record's version is one
save of its change form; the inline rows that form saved are written just after the
record's own history row. So the rows' changes between version V and the next
version belong to V, and "the record as of V" includes its rows as they were just
before the next version. The history page lists those row changes under V, and a
revert to V puts the rows back as they were then.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.admin import GenericInlineModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms.models import _get_foreign_key
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator
from simple_history.template_utils import HistoricalRecordContextHelper


def translated_originals(model: type[models.Model]) -> set[str]:
    """`story` when the model also has `story_en`, `story_fr`...: the original
    column repeats the English one, so a change would be listed twice."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


class RecordHistoryHelper(HistoricalRecordContextHelper):
    """simple-history's change lines, without the duplicated translation original."""

    def context_for_delta_changes(self, delta) -> list[dict[str, Any]]:
        skip = translated_originals(self.model)
        kept = [change for change in delta.changes if change.field not in skip]
        return super().context_for_delta_changes(
            dataclasses.replace(delta, changes=kept)
        )


@dataclass(frozen=True)
class InlineRows:
    """One kind of inline row of one record: its model and how it points there."""

    model: type[models.Model]
    lookup: dict[str, Any]

    @property
    def label(self) -> str:
        return capfirst(str(self.model._meta.verbose_name))

    def history(self):
        return self.model.history.filter(**self.lookup)

    def current(self):
        return self.model._default_manager.filter(**self.lookup)


def inline_rows(model_admin, obj: models.Model) -> list[InlineRows]:
    """The inline row kinds the record's change form edits (with history)."""
    kinds = []
    for inline in model_admin.inlines:
        child = inline.model
        if not hasattr(child, "history"):
            continue
        if issubclass(inline, GenericInlineModelAdmin):
            content_type = ContentType.objects.get_for_model(type(obj))
            lookup = {
                f"{inline.ct_field}_id": content_type.pk,
                inline.ct_fk_field: obj.pk,
            }
        else:
            fk = _get_foreign_key(type(obj), child, fk_name=inline.fk_name)
            lookup = {fk.attname: obj.pk}
        kinds.append(InlineRows(child, lookup))
    return kinds


def _window(versions: list[datetime.datetime], at: datetime.datetime):
    """The start of the next version after `at` (None for the latest)."""
    later = [when for when in versions if when > at]
    return min(later) if later else None


def _describe(kind: InlineRows, row) -> list[dict[str, Any]]:
    """What one historical row of an inline says changed, as change lines."""
    shown = str(row.instance)
    if row.history_type == "+":
        return [{"field": _("%s added") % kind.label, "old": "", "new": shown}]
    if row.history_type == "-":
        return [{"field": _("%s removed") % kind.label, "old": shown, "new": ""}]
    previous = row.prev_record
    if previous is None:
        return []
    delta = row.diff_against(previous, foreign_keys_are_objs=True)
    skip = translated_originals(kind.model)
    lines = []
    for change in delta.changes:
        if change.field in skip:
            continue
        field = kind.model._meta.get_field(change.field)
        lines.append(
            {
                "field": f"{kind.label} “{shown}”: {field.verbose_name}",
                "old": change.old,
                "new": change.new,
            }
        )
    return lines


def add_inline_changes(model_admin, obj: models.Model, versions: Iterable) -> None:
    """Append each version's inline row changes to its `history_delta_changes`."""
    versions = list(versions)
    if not versions:
        return
    all_dates = list(
        type(versions[0])
        .objects.filter(**{obj._meta.pk.attname: obj.pk})
        .values_list("history_date", flat=True)
    )
    first = min(all_dates)
    for kind in inline_rows(model_admin, obj):
        rows = list(kind.history().order_by("history_date"))
        for version in versions:
            start = version.history_date if version.history_date > first else None
            end = _window(all_dates, version.history_date)
            lines = []
            for row in rows:
                if start is not None and row.history_date < start:
                    continue
                if end is not None and row.history_date >= end:
                    continue
                lines.extend(_describe(kind, row))
            if lines:
                existing = getattr(version, "history_delta_changes", None) or []
                version.history_delta_changes = [*existing, *lines]


def restore_inline_rows(model_admin, obj: models.Model, version, user) -> None:
    """Put the record's inline rows back as they were at `version` (just before
    the record's next version): rows added since are deleted, rows deleted since
    are re-created with their old id, changed rows get their old values back."""
    history = type(version).objects.filter(**{obj._meta.pk.attname: obj.pk})
    dates = list(history.values_list("history_date", flat=True))
    end = _window(dates, version.history_date)
    for kind in inline_rows(model_admin, obj):
        rows = kind.history()
        if end is not None:
            rows = rows.filter(history_date__lt=end)
        wanted: dict[Any, Any] = {}
        for row in rows.order_by("history_date", "history_id"):
            if row.history_type == "-":
                wanted.pop(row.id, None)
            else:
                wanted[row.id] = row
        for current in kind.current().exclude(pk__in=list(wanted)):
            current._history_user = user
            current.delete()
        for row in wanted.values():
            instance = row.instance
            instance._history_user = user
            instance.save()
