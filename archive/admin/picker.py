"""The record picker of exhibition items: one search across every exhibitable kind.

A curator types a few letters of a title (or a name); the picker lists matching
records of every kind they may view (`archive.workflow.may_view`), each with its
title, kind and workflow status, and shows the chosen one beside the field (with a
thumbnail for an image). The search is a read path of the admin: staff only, and a
kind the curator may not view is never searched. The field's value is the record's
key, `kind:id` (e.g. `image:12`), written after its title (`Title [image:12]`), so
the form also works without JavaScript (`archive/static/archive/record-picker.js`
adds the list box).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from archive import kinds, workflow
from archive.models import ExhibitionItem, Image, TestimonySegment

#: Results per kind, and in all, for one search.
PER_KIND = 8
LIMIT = 30
KEY = re.compile(r"\[?\b([a-z]+):(\d+)\]?\s*$")


@dataclass(frozen=True)
class PickerKind:
    name: str
    model: type[models.Model]
    #: The fields whose text the search matches (translated ones in every language).
    fields: tuple[str, ...]


def picker_kinds() -> list[PickerKind]:
    """Every exhibitable kind (`archive.kinds`, exhibitions excepted, and the parts
    items may point at), in the order curators meet them."""
    found = [
        PickerKind(kind.name, kind.model, kind.search.a)
        for kind in kinds.KINDS
        if kind.name in _exhibitable()
    ]
    found.append(PickerKind("testimonysegment", TestimonySegment, ("title",)))
    return found


def _exhibitable() -> set[str]:
    from archive.models.exhibitions import exhibitable_model_names

    return set(exhibitable_model_names())


def viewable_kinds(user) -> list[PickerKind]:
    """The kinds whose records this user may see in the admin. A segment is read
    with its testimony: both must be viewable."""
    allowed = []
    for kind in picker_kinds():
        if not workflow.may_view(user, kind.model):
            continue
        if kind.model is TestimonySegment and not workflow.may_view(
            user, kinds.BY_NAME["testimony"].model
        ):
            continue
        allowed.append(kind)
    return allowed


def _columns(model: type[models.Model], name: str) -> list[str]:
    try:
        translated = name in translator.get_options_for_model(model).all_fields
    except NotRegistered:
        translated = False
    return kinds.translated_columns(name) if translated else [name]


def _matching(kind: PickerKind, words: list[str]) -> models.QuerySet:
    rows = kind.model._default_manager.all()
    for word in words:
        condition = Q()
        for name in kind.fields:
            for column in _columns(kind.model, name):
                condition |= Q(**{f"{column}__icontains": word})
        rows = rows.filter(condition)
    if kind.model is TestimonySegment:
        return rows.select_related("testimony").order_by("-testimony__updated_at")
    if kind.model is Image:
        rows = rows.with_renditions("thumbnail")
    return rows.order_by("-updated_at")


def status_of(record: models.Model) -> tuple[str, str]:
    """The workflow status (code, label) that governs the record: a segment's is
    its testimony's."""
    owner = record.testimony if isinstance(record, TestimonySegment) else record
    return owner.status, owner.get_status_display()


def option(record: models.Model) -> dict:
    """What the picker shows of one record."""
    name = record._meta.model_name
    status, status_label = status_of(record)
    title = str(record)
    if isinstance(record, TestimonySegment):
        title = f"{record.testimony} · {title}"
    thumbnail = None
    if isinstance(record, Image) and record.file:
        rendition = record.try_rendition("thumbnail")
        thumbnail = rendition.url if rendition is not None else None
    return {
        "key": f"{name}:{record.pk}",
        "title": title,
        "kind": str(record._meta.verbose_name),
        "status": status,
        "status_label": str(status_label),
        "thumbnail": thumbnail,
        "value": f"{title} [{name}:{record.pk}]",
    }


def search(user, text: str) -> list[dict]:
    """Records of the kinds `user` may view whose titles hold every word of
    `text` (the latest changed first, when `text` is empty)."""
    words = text.split()[:5]
    results: list[dict] = []
    for kind in viewable_kinds(user):
        for record in _matching(kind, words)[:PER_KIND]:
            results.append(option(record))
        if len(results) >= LIMIT:
            break
    return results[:LIMIT]


def search_view(request: HttpRequest) -> JsonResponse:
    """GET ?q=words: the picker's options (the admin site wraps it: staff only)."""
    if not viewable_kinds(request.user):
        return JsonResponse({"detail": str(_("You may not view records."))}, status=403)
    return JsonResponse({"results": search(request.user, request.GET.get("q", ""))})


def record_for_key(user, text: str) -> models.Model | None:
    """The record a picker value names (`Title [image:12]` or `image:12`), if
    it exists and is of a kind `user` may view."""
    match = KEY.search(text or "")
    if match is None:
        return None
    name, pk = match.group(1), int(match.group(2))
    kind = next((k for k in viewable_kinds(user) if k.name == name), None)
    if kind is None:
        return None
    return kind.model._default_manager.filter(pk=pk).first()


class RecordPickerWidget(forms.TextInput):
    """A text input the picker's script turns into a combo box with a preview."""

    template_name = "admin/archive/record_picker.html"

    class Media:
        js = ("archive/record-picker.js",)
        css = {"all": ("archive/record-picker.css",)}

    def __init__(self, attrs=None):
        super().__init__(
            {
                "class": "record-picker-input",
                "autocomplete": "off",
                "spellcheck": "false",
                "size": 50,
                **(attrs or {}),
            }
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": f"{widget_attrs.get('id', name)}_listbox",
            }
        )
        context["preview"] = getattr(self, "preview", None)
        return context


class PositionWidget(forms.NumberInput):
    """An order field with "Move up" and "Move down" buttons (shown by the
    picker's script, which moves the row and numbers the rows again)."""

    template_name = "admin/archive/position_widget.html"

    class Media:
        js = ("archive/record-picker.js",)
        css = {"all": ("archive/record-picker.css",)}


class ExhibitionItemForm(forms.ModelForm):
    """An item's record chosen with the picker: the content type and id follow."""

    record_choice = forms.CharField(
        label=capfirst(_("record")),
        widget=RecordPickerWidget(),
        help_text=_(
            "Type a few letters of the record's title or name, then choose it in "
            "the list (arrow keys and Enter)."
        ),
    )

    #: Who is choosing (set by the inline for each request): the picker only
    #: accepts records of kinds they may view.
    picker_user = None

    class Meta:
        model = ExhibitionItem
        fields = ("position", "record_choice")
        widgets = {"position": PositionWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.instance.record if self.instance.pk else None
        if record is not None:
            shown = option(record)
            self.fields["record_choice"].initial = shown["value"]
            widget = self.fields["record_choice"].widget
            widget.preview = shown

    def clean_record_choice(self):
        text = self.cleaned_data["record_choice"]
        if self.instance.pk and "record_choice" not in self.changed_data:
            return text  # kept as it is, even of a kind this curator cannot view
        record = record_for_key(self.picker_user, text)
        if record is None:
            raise forms.ValidationError(
                _("Choose a record from the list (no record matches “%(text)s”).")
                % {"text": text}
            )
        self.instance.content_type = ContentType.objects.get_for_model(record)
        self.instance.object_id = record.pk
        return text
