"""Batch edit: one field (access, embargo, content warning) on many records.

A list action with a confirmation page, like Django's delete: the curator chooses
the field and its value; `archive.services.records_set_field` applies it to every
selected record the curator may edit now, as one version per record in its history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from archive import services
from archive.models import Access


class BatchEditForm(forms.Form):
    field = forms.ChoiceField(
        label=_("field to change"),
        choices=[
            ("access", _("Access")),
            ("embargo_until", _("Embargo until")),
            ("content_warning_en", _("Content warning (English)")),
        ],
        help_text=_("Only this field changes, on every selected record."),
    )
    access = forms.ChoiceField(
        label=_("new access"), choices=Access.choices, required=False
    )
    embargo_until = forms.DateField(
        label=_("new embargo date"),
        required=False,
        help_text=_("YYYY-MM-DD; leave empty to lift the embargo."),
    )
    content_warning_en = forms.CharField(
        label=_("new content warning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to remove the warning."),
    )

    def clean(self):
        data = super().clean()
        if data.get("field") == "access" and not data.get("access"):
            self.add_error("access", _("Choose the new access."))
        return data

    def value(self):
        return self.cleaned_data.get(self.cleaned_data["field"]) or (
            None if self.cleaned_data["field"] == "embargo_until" else ""
        )


@admin.action(description=_("Change a field on selected records"))
def batch_edit(model_admin, request, queryset):
    form = BatchEditForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        changed, refused = services.records_set_field(
            records=list(queryset),
            field=form.cleaned_data["field"],
            value=form.value(),
            acting_user=request.user,
        )
        for reason in refused:
            model_admin.message_user(request, reason, messages.ERROR)
        if changed:
            model_admin.message_user(
                request,
                _("%(n)s records changed.") % {"n": len(changed)},
                messages.SUCCESS,
            )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Change a field on selected records"),
        "form": form,
        "queryset": queryset,
        "opts": model_admin.opts,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/archive/batch_edit.html", context)
