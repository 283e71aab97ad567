"""The citations block on every record: which source, where, and for which field.

The "field" a citation supports is chosen from the record's own fields, by their
labels ("Story", "Date (EDTF)"), never typed as an internal name.
"""

from __future__ import annotations

from django import forms
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from archive.admin.history import translated_originals
from archive.models import Citation, Publishable

#: Publishable's own fields are the workflow's, never a statement a source supports.
_WORKFLOW = {field.name for field in Publishable._meta.get_fields()}


def citable_fields(model: type[models.Model]) -> list[tuple[str, str]]:
    """(name, label) of each field of `model` a source can support: its editable
    content fields, translated ones once (not once per language)."""
    translated = translated_originals(model)
    columns = {f"{name}_{suffix}" for name in translated for suffix in _languages()}
    choices = []
    for field in model._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created:
            continue
        if field.name in _WORKFLOW or field.name in columns:
            continue
        if getattr(field, "primary_key", False):
            continue
        choices.append((field.name, capfirst(str(field.verbose_name))))
    return choices


def _languages() -> tuple[str, ...]:
    from archive.kinds import language_codes

    return language_codes()


class CitationForm(forms.ModelForm):
    """`field_name` as a choice of the record's fields (set by the inline)."""

    record_model: type[models.Model] | None = None

    class Meta:
        model = Citation
        fields = ("source", "locator", "field_name", "quotation", "note", "position")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.record_model is None:
            return
        choices = [("", _("The whole record")), *citable_fields(self.record_model)]
        current = self.initial.get("field_name") or ""
        if current and current not in dict(choices):
            choices.append((current, current))  # an older free-text value is kept
        self.fields["field_name"] = forms.ChoiceField(
            label=_("field"),
            choices=choices,
            required=False,
            help_text=_("Optional: the field this source supports."),
        )


class CitationInline(GenericTabularInline):
    """The sources a record rests on, with locator and optional quotation."""

    model = Citation
    form = CitationForm
    extra = 0
    fields = ("source", "locator", "field_name", "quotation", "note", "position")
    autocomplete_fields = ("source",)
    verbose_name = _("citation")
    verbose_name_plural = _("citations (sources for this record)")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type(
            "CitationForm", (CitationForm,), {"record_model": self.parent_model}
        )
        return super().get_formset(request, obj, **kwargs)
