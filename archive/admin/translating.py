"""Translations in a record's admin: who may write which language, provenance on
save, the facts check, and marking translations reviewed.

A Translator (`workflow.translating_only`) sees the whole record but may write only
its translation columns (every translated field in every language but the
field's original); the save goes through `services.record_translate`, which notes
the translator and date and refuses a translation that changes a number or drops a
name (a form error naming the difference). A POST that changes anything else is
refused with 403 and writes nothing. A curator who may edit the whole record gets
the same provenance noted and the facts check as a warning, not a refusal: they may
be correcting the original at the same time.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from archive import provenance, services, workflow
from archive.admin_translations import (
    MissingTranslationFilter,
    UnreviewedTranslationFilter,
    status_table,
)
from archive.kinds import language_codes
from archive.models import Publishable

LANGUAGES = language_codes()


class TranslatorForm(forms.ModelForm):
    """A Translator's form: a translation that changes facts is a form error."""

    def clean(self):
        cleaned = super().clean()
        allowed = set(provenance.translation_columns(self.instance))
        texts = {
            column: cleaned.get(column) or ""
            for column in self.changed_data
            if column in allowed
        }
        problems = services.translation_fact_problems(record=self.instance, texts=texts)
        for column, found in problems.items():
            self.add_error(
                column,
                _("This translation changes facts: %(problems)s.")
                % {"problems": "; ".join(found)},
            )
        return cleaned


class LanguageTabsForm(forms.ModelForm):
    """Beside each language tab, that language's status (original, translated by
    whom and when, reviewed, missing): as the column's help text, and as a data
    attribute the admin script copies onto the tab itself (admin-a11y.js)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for field, by_language in provenance.record_statuses(self.instance).items():
            for code, state in by_language.items():
                formfield = self.fields.get(f"{field}_{code}")
                if formfield is None:
                    continue
                words = provenance.marker(state)
                formfield.widget.attrs["data-translation-status"] = state["status"]
                formfield.widget.attrs["data-translation-marker"] = words
                note = _("%(language)s: %(status)s.") % {
                    "language": provenance.language_name(code),
                    "status": words,
                }
                formfield.help_text = (
                    f"{note} {formfield.help_text}" if formfield.help_text else note
                )


#: The form's "original language of <field>" controls are named with this prefix.
ORIGINAL_PREFIX = "original_language__"


class OriginalLanguageForm(LanguageTabsForm):
    """Adds, per translated field, the language its text was first written in
    (English unless set: a record whose story was written in French)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        notes = getattr(self.instance, "translation_provenance", None) or {}
        for name, field in self.fields.items():
            if name.startswith(ORIGINAL_PREFIX):
                tracked = name.removeprefix(ORIGINAL_PREFIX)
                field.initial = provenance.original_language(notes, tracked)


def original_language_form(base: type[forms.ModelForm], model) -> type:
    fields = {}
    for field in provenance.tracked_fields(model):
        label = model._meta.get_field(field).verbose_name
        fields[ORIGINAL_PREFIX + field] = forms.ChoiceField(
            label=_("Original language of “%(field)s”") % {"field": label},
            choices=[(code, provenance.language_name(code)) for code in LANGUAGES],
            required=False,
            help_text=_(
                "The language this text was first written in; the others are "
                "its translations."
            ),
        )
    return type(base.__name__, (OriginalLanguageForm, base), fields)


class TranslationAdminMixin:
    """Mixed into `PublishableAdmin` (see the module docstring)."""

    translation_fieldset = (
        _("Translations"),
        {
            "fields": ("translation_status",),
            "description": _(
                "Which language each text was written in, who translated it into "
                "the others and when, and whether the translation was reviewed. "
                "An empty translation is missing and is not shown to visitors."
            ),
        },
    )

    def original_language_fields(self, request: HttpRequest, obj) -> list[str]:
        """The "original language of ..." controls: not for a Translator, who
        may not decide which text is the original."""
        if self.translating(request, obj) or not self.has_change_permission(
            request, obj
        ):
            return []
        return [ORIGINAL_PREFIX + f for f in provenance.tracked_fields(self.model)]

    def translation_fieldset_for(self, request: HttpRequest, obj):
        title, options = self.translation_fieldset
        fields = (*options["fields"], *self.original_language_fields(request, obj))
        return (title, {**options, "fields": fields})

    def translating(self, request: HttpRequest, obj) -> bool:
        return isinstance(obj, Publishable) and workflow.translating_only(
            request.user, obj
        )

    @admin.display(description=_("translation status"))
    def translation_status(self, obj):
        return status_table(obj)

    def get_list_filter(self, request: HttpRequest):
        return (
            *super().get_list_filter(request),
            MissingTranslationFilter,
            UnreviewedTranslationFilter,
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if getattr(request, "_archive_reading_form", False) or not self.translating(
            request, obj
        ):
            return fields
        allowed = set(provenance.translation_columns(obj))
        editable = self.editable_fields(request, obj)
        return (
            *fields,
            *(name for name in editable if name not in allowed and name not in fields),
        )

    def get_form(self, request, obj=None, **kwargs):
        translating = obj is not None and self.translating(request, obj)
        base = kwargs.get("form", self.form)
        if not translating and provenance.tracked_fields(self.model):
            kwargs["form"] = original_language_form(base, self.model)
        else:
            kwargs["form"] = type(base.__name__, (LanguageTabsForm, base), {})
        form = super().get_form(request, obj, **kwargs)
        if translating:
            return type(form.__name__, (TranslatorForm, form), {})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.translating(request, obj):
                refused = self._refuse_untranslated_changes(request, obj)
                if refused is not None:
                    return refused
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _refuse_untranslated_changes(self, request, obj):
        """A Translator's POST that changes anything but translations: 403. One
        that changes nothing: back to the form, nothing written (no log entry)."""
        full = self.full_form(request, obj)
        changed = set(full(request.POST, request.FILES, instance=obj).changed_data)
        allowed = set(provenance.translation_columns(obj))
        if changed - allowed:
            raise PermissionDenied
        if not changed:
            self.message_user(
                request, _("No translation changed; nothing was saved."), messages.INFO
            )
            return HttpResponseRedirect(request.path)
        return None

    def save_model(self, request, obj, form, change):
        if change and self.translating(request, obj):
            allowed = set(provenance.translation_columns(obj))
            texts = {
                column: form.cleaned_data.get(column) or ""
                for column in form.changed_data
                if column in allowed
            }
            services.record_translate(record=obj, texts=texts, acting_user=request.user)
            obj.refresh_from_db()
            return
        reverting = getattr(request, "_archive_revert_current", None) is not None
        for name, code in form.cleaned_data.items():
            if name.startswith(ORIGINAL_PREFIX) and code in LANGUAGES:
                provenance.set_original(obj, name.removeprefix(ORIGINAL_PREFIX), code)
        written = [
            column
            for column in form.changed_data
            if provenance.split_column(obj, column) is not None
        ]
        if change and not reverting:
            by, today = provenance.person_label(request.user), timezone.localdate()
            for column in written:
                provenance.note_translation(obj, column, by=by, on=today)
        super().save_model(request, obj, form, change)
        self._warn_about_facts(request, obj, written)

    def _warn_about_facts(self, request, obj, written: list[str]) -> None:
        """Name every number or name a saved translation does not share with its
        original (both ways: a changed original shows on its translations)."""
        fields = {provenance.split_column(obj, column)[0] for column in written}
        texts = {
            f"{field}_{code}": getattr(obj, f"{field}_{code}") or ""
            for field in fields
            for code in provenance.language_codes()
        }
        problems = services.translation_fact_problems(record=obj, texts=texts)
        for column, found in problems.items():
            field, code = provenance.split_column(obj, column)
            self.message_user(
                request,
                _("%(field)s (%(language)s): %(problems)s.")
                % {
                    "field": str(obj._meta.get_field(field).verbose_name).capitalize(),
                    "language": provenance.language_name(code),
                    "problems": "; ".join(found),
                },
                messages.WARNING,
            )

    @admin.action(description=_("Mark translations of selected as reviewed"))
    def review_translations(self, request, queryset):
        marked = 0
        for record in queryset:
            try:
                columns = services.record_review_translations(
                    record=record, acting_user=request.user
                )
            except services.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                marked += bool(columns)
        if marked:
            self.message_user(
                request,
                ngettext(
                    "Translations of %(n)d record marked reviewed.",
                    "Translations of %(n)d records marked reviewed.",
                    marked,
                )
                % {"n": marked},
                messages.SUCCESS,
            )
