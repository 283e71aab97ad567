"""Batch edit: one field (access, embargo, content warning, a term, a place) on
many records.

A list action with a confirmation page, like Django's delete: the curator chooses
the field and its value; `archive.services.records_set_field` applies it to every
selected record the curator may edit now, as one version per record in its history.
A term or place field the model has (`services.batch_links`) is set when it holds
one (a testimony's recording place), or gains or loses one when it holds several
(an event's places, a person's roles).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from archive import services
from archive.models import Access, Place, Term


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

    term = forms.ModelChoiceField(
        label=_("term"),
        queryset=Term.objects.all(),
        required=False,
        help_text=_("The term to set, add or remove."),
    )
    place = forms.ModelChoiceField(
        label=_("place"),
        queryset=Place.objects.all(),
        required=False,
        help_text=_("The place to set, add or remove; empty clears a single place."),
    )

    def __init__(self, model, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.links = {link.name: link for link in services.batch_links(model)}
        choices = list(self.fields["field"].choices)
        for name, link in self.links.items():
            label = link.verbose_name
            if link.many_to_many:
                choices += [
                    (
                        f"{name}:{services.ADD}",
                        _("Add to %(field)s") % {"field": label},
                    ),
                    (
                        f"{name}:{services.REMOVE}",
                        _("Remove from %(field)s") % {"field": label},
                    ),
                ]
            else:
                choices.append((name, _("Set %(field)s") % {"field": label}))
        self.fields["field"].choices = choices
        targets = {link.related_model for link in self.links.values()}
        if Term not in targets:
            del self.fields["term"]
        if Place not in targets:
            del self.fields["place"]

    def clean(self):
        data = super().clean()
        if data.get("field") == "access" and not data.get("access"):
            self.add_error("access", _("Choose the new access."))
        link = self.link()
        if link is not None:
            target = "term" if link.related_model is Term else "place"
            problem = services.batch_problem(
                self.model, link.name, data.get(target), self.operation()
            )
            if problem:
                self.add_error(target, problem)
        return data

    def link(self):
        return self.links.get(self.cleaned_data.get("field", "").partition(":")[0])

    def field_name(self) -> str:
        return self.cleaned_data["field"].partition(":")[0]

    def operation(self) -> str:
        return self.cleaned_data.get("field", "").partition(":")[2] or services.SET

    def value(self):
        link = self.link()
        if link is not None:
            return self.cleaned_data.get(
                "term" if link.related_model is Term else "place"
            )
        return self.cleaned_data.get(self.cleaned_data["field"]) or (
            None if self.cleaned_data["field"] == "embargo_until" else ""
        )


@admin.action(description=_("Change a field on selected records"))
def batch_edit(model_admin, request, queryset):
    form = BatchEditForm(
        model_admin.model, request.POST if "apply" in request.POST else None
    )
    if form.is_bound and form.is_valid():
        try:
            changed, refused = services.records_set_field(
                records=list(queryset),
                field=form.field_name(),
                value=form.value(),
                operation=form.operation(),
                acting_user=request.user,
            )
        except services.WorkflowError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            return None
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
