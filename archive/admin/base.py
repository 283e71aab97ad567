"""The publishable admin: workflow actions, per-record messages and permissions.

Every record type curators publish is registered with `PublishableAdmin`. Status only
changes through the actions (submit, return to draft, publish, withdraw), which call
`archive.services` so the same rules hold for the admin, imports and scripts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms import SplitDateTimeWidget
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from archive import services, workflow
from archive.admin import batch
from archive.admin import history as record_history
from archive.admin.citations import CitationInline
from archive.admin.translating import TranslationAdminMixin
from archive.models import Publishable, Status
from archive.preview import preview_url

STATUS_COLOURS = {
    Status.DRAFT: ("#555", "#eee"),
    Status.REVIEW: ("#7a4b00", "#fff0c2"),
    Status.PUBLISHED: ("#0b5d1e", "#d9f2df"),
    Status.WITHDRAWN: ("#8a1020", "#fbe0e3"),
}


def name_date_and_time(db_field, formfield) -> None:
    """A date-and-time field's two inputs (date, time) carry their own names: the
    field's one label names neither for a screen reader (the publication time, an
    account's last login)."""
    if formfield is None or not isinstance(formfield.widget, SplitDateTimeWidget):
        return
    field = capfirst(db_field.verbose_name)
    date_input, time_input = formfield.widget.widgets
    date_input.attrs["aria-label"] = _("%(field)s: date") % {"field": field}
    time_input.attrs["aria-label"] = _("%(field)s: time") % {"field": field}


class ScheduleFormMixin:
    """The publication time of a change form: in the future, and only for a record
    that is not published yet (who may set it at all is `get_readonly_fields`)."""

    def clean_publish_at(self):
        when = self.cleaned_data.get("publish_at")
        if when is None or "publish_at" not in self.changed_data:
            return when
        if when <= timezone.now():
            raise ValidationError(
                _("Choose a time in the future, or publish the record now.")
            )
        if self.instance.status == Status.PUBLISHED:
            raise ValidationError(_("The record is already published."))
        return when


class WorkflowAdmin(SimpleHistoryAdmin):
    """Every write path of an admin with history asks `archive.workflow`.

    The change form, inlines (saved with their record), deletes, bulk deletes and
    django-simple-history's revert form all check the same rules against the record
    as it is *now*. A revert restores the content of an old version, never the
    workflow's own fields (`workflow.REVERT_KEEPS`, plus `revert_keeps` here), and is
    refused when the record changed since the curator opened that version.
    """

    object_history_form_template = "admin/archive/revert_form.html"
    object_history_list_template = "admin/archive/history_list.html"
    #: Fields of this model, beyond the workflow's, that a revert leaves as they are.
    revert_keeps: tuple[str, ...] = ()

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if self.may_edit(request, obj):
            return True
        # A Translator opens any record's form to write its translations only
        # (PublishableAdmin limits the form to them).
        return isinstance(obj, Publishable) and workflow.translating_only(
            request.user, obj
        )

    def may_edit(self, request: HttpRequest, obj=None) -> bool:
        """The whole record, not only its translations (reverts need this)."""
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.may_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.may_delete(request.user, obj)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Django's confirmation page lists what a delete would remove; a delete
        that would change a shown record, or one this curator may not change, is
        listed as protected, so Django refuses it and says why."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        refused = [obj for obj in objs if not workflow.may_delete(request.user, obj)]
        if refused:
            perms_needed = {*perms_needed, str(self.opts.verbose_name)}
        blockers = workflow.deletion_blockers(request.user, objs)
        return deleted, counts, perms_needed, [*protected, *blockers]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Bulk delete removes only what may be deleted one by one."""
        allowed = [o for o in queryset if workflow.may_delete(request.user, o)]
        kept = queryset.count() - len(allowed)
        if kept:
            self.message_user(
                request,
                _(
                    "%(n)s published or withdrawn records were kept: withdraw, do not delete."
                )
                % {"n": kept},
                messages.WARNING,
            )
        super().delete_queryset(
            request, queryset.filter(pk__in=[obj.pk for obj in allowed])
        )

    # -- history: inline rows are part of a version ---------------------------------

    def get_historical_record_context_helper(self, request, historical_record):
        return record_history.RecordHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        versions = list(historical_records)
        if versions:
            pk = getattr(versions[0], self.opts.pk.attname)
            record_history.add_inline_changes(self, self.model(pk=pk), versions)

    # -- history revert ------------------------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        if current is None:
            raise Http404
        history = self.model.history
        if not history.filter(
            **{self.opts.pk.attname: current.pk}, history_id=version_id
        ).exists():
            # A version of another record (or none): nothing to show or restore.
            raise Http404
        latest = history.filter(**{self.opts.pk.attname: current.pk}).latest()
        request._archive_revert_current = current
        request._archive_revert_version = history.get(history_id=version_id)
        if request.method == "POST":
            if not self.may_edit(request, current):
                raise PermissionDenied
            if request.POST.get("_current_version") != str(latest.history_id):
                self.message_user(
                    request,
                    _(
                        "Nothing was reverted: %(record)s was changed since you opened "
                        "this version. Open the version again to compare it with the "
                        "record as it is now."
                    )
                    % {"record": current},
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.path)
        context = {
            **(extra_context or {}),
            "current_version": latest.history_id,
            "revert_keeps": self._revert_kept_labels(),
        }
        return super().history_form_view(request, object_id, version_id, context)

    def revert_disabled(self, request, obj=None) -> bool:
        current = getattr(request, "_archive_revert_current", None)
        if current is not None and not self.may_edit(request, current):
            return True
        return super().revert_disabled(request, obj)

    def get_readonly_fields(self, request, obj=None):
        """On a version this curator may not restore, every field is read-only:
        the page shows the old text, never a form that looks editable."""
        fields = super().get_readonly_fields(request, obj)
        current = getattr(request, "_archive_revert_current", None)
        if (
            current is None
            or getattr(request, "_archive_reading_form", False)
            or self.may_edit(request, current)
        ):
            return fields
        editable = self.editable_fields(request, obj)
        return (*fields, *(name for name in editable if name not in fields))

    def editable_fields(self, request, obj) -> list[str]:
        """Every field the full form would have (for read-only views of it)."""
        return list(self.full_form(request, obj).base_fields)

    def full_form(self, request, obj):
        """The form a curator who may edit everything gets (every language's
        column, as the fieldsets list them)."""
        request._archive_reading_form = True  # get_form asks get_readonly_fields
        try:
            return self.get_form(request, obj)
        finally:
            request._archive_reading_form = False

    def has_view_history_or_change_history_permission(self, request, obj=None):
        current = getattr(request, "_archive_revert_current", None)
        return super().has_view_history_or_change_history_permission(
            request, current if current is not None else obj
        )

    def _revert_kept(self) -> list[str]:
        names = {field.name for field in self.opts.concrete_fields}
        return [
            name
            for name in (*workflow.REVERT_KEEPS, *self.revert_keeps)
            if name in names
        ]

    def _revert_kept_labels(self) -> str:
        return ", ".join(
            str(self.opts.get_field(name).verbose_name) for name in self._revert_kept()
        )

    def save_model(self, request, obj, form, change):
        current = getattr(request, "_archive_revert_current", None)
        if current is not None:
            for name in self._revert_kept():
                setattr(obj, name, getattr(current, name))
            obj._change_reason = str(_("Reverted to an earlier version"))
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                record_history.restore_inline_rows(
                    self, obj, request._archive_revert_version, request.user
                )
            return
        super().save_model(request, obj, form, change)


class PublishableAdmin(
    TranslationAdminMixin, WorkflowAdmin, TabbedDjangoJqueryTranslationAdmin
):
    """Base admin for Publishable models.

    Contributors edit their own drafts; editors (review permission) edit anyone's
    unpublished work; publishers also publish, withdraw and edit published records.
    Published and withdrawn records are never deleted: they are withdrawn.
    """

    actions = (
        "submit_for_review",
        "return_to_draft",
        "publish",
        "withdraw",
        "review_translations",
        batch.batch_edit,
    )
    list_filter = ("status", "access", "is_synthetic")
    list_per_page = 50
    date_hierarchy = None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        name_date_and_time(db_field, formfield)
        return formfield

    readonly_fields = (
        "status_badge",
        "uuid",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
        "preview_link",
        "is_synthetic",
        "scheduled_by",
    )
    workflow_fieldset = (
        _("Publication"),
        {
            "fields": (
                "status_badge",
                "access",
                "embargo_until",
                ("publish_at", "scheduled_by"),
                "slug",
                "preview_link",
                ("published_at", "created_by"),
                ("created_at", "updated_at"),
                "uuid",
                "is_synthetic",
            )
        },
    )
    inlines = (CitationInline,)

    # -- list and form ------------------------------------------------------------

    def get_list_display(self, request: HttpRequest):
        return (
            *super().get_list_display(request),
            "status_badge",
            "access",
            "updated_at",
        )

    def get_fieldsets(self, request, obj=None):
        """The record's own fields first, then one 'Publication' block.

        The content warning sits with access and embargo (it decides how the record
        is shown), in every language.
        """
        fieldsets = super().get_fieldsets(request, obj)
        name, options = self.workflow_fieldset
        warning = tuple(f"content_warning_{code}" for code, _lang in settings.LANGUAGES)
        workflow = (*options["fields"][:3], *warning, *options["fields"][3:])
        translations = self.translation_fieldset_for(request, obj)
        taken = {"status", "content_warning", *translations[1]["fields"]}
        for entry in workflow:
            taken.update(entry if isinstance(entry, tuple) else (entry,))
        own = []
        for title, opts in fieldsets:
            fields = [field for field in opts["fields"] if field not in taken]
            if fields:
                own.append((title, {**opts, "fields": fields}))
        return [
            *own,
            translations,
            (name, {**options, "fields": workflow}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = (
            *super().get_readonly_fields(request, obj),
            "status",
            "translation_status",
        )
        if not self._perm(request, "publish"):
            # Scheduling is publishing later: only who may publish may schedule.
            fields = (*fields, "publish_at")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "publish_at" not in form.base_fields:
            return form
        return type(form.__name__, (ScheduleFormMixin, form), {})

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Publishable) -> str:
        if obj is None or obj.pk is None:
            return _("Draft (new)")
        colour, background = STATUS_COLOURS.get(obj.status, ("#000", "#fff"))
        label = obj.get_status_display()
        if obj.is_synthetic:
            label = f"{label} · {_('synthetic')}"
        return format_html(
            '<span style="color:{};background:{};padding:1px 6px;border-radius:8px;'
            'white-space:nowrap">{}</span>',
            colour,
            background,
            label,
        )

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Publishable) -> str:
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            preview_url(obj),
            _("Preview as the public would see it (staff only; the link expires)"),
        )

    def view_on_site(self, obj: Publishable):
        """Only public records have a page to view; drafts use the preview link."""
        if obj.is_public and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return None

    # -- permissions ---------------------------------------------------------------

    def _perm(self, request: HttpRequest, action: str) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if "publish_at" in form.changed_data:
            # The record will be published in the name of who set the time.
            obj.scheduled_by = request.user if obj.publish_at else None
            obj._change_reason = (
                _("publication scheduled for %(when)s by %(user)s")
                % {"when": localize(localtime(obj.publish_at)), "user": request.user}
                if obj.publish_at
                else _("scheduled publication cancelled by %(user)s")
                % {"user": request.user}
            )
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.method == "POST":
            # A posted action always runs, so a curator who lacks the permission (or
            # posts it by hand) gets a message per record saying why, rather than
            # Django's silent "No action selected".
            return actions
        if not self._perm(request, "review"):
            actions.pop("return_to_draft", None)
            actions.pop("review_translations", None)
        if not self._perm(request, "publish"):
            actions.pop("publish", None)
            actions.pop("withdraw", None)
        return actions

    # -- workflow actions ------------------------------------------------------------

    def _run(self, request, queryset, transition: services.Transition, done: str):
        succeeded = 0
        for record in queryset:
            try:
                services.record_transition(
                    record=record, transition=transition, acting_user=request.user
                )
            except services.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(
                request,
                ngettext("%(n)d record %(done)s.", "%(n)d records %(done)s.", succeeded)
                % {"n": succeeded, "done": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Submit selected for review"))
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, services.SUBMIT, str(_("submitted for review")))

    @admin.action(description=_("Return selected to draft"))
    def return_to_draft(self, request, queryset):
        self._run(
            request, queryset, services.RETURN_TO_DRAFT, str(_("returned to draft"))
        )

    @admin.action(description=_("Publish selected"))
    def publish(self, request, queryset):
        self._run(request, queryset, services.PUBLISH, str(_("published")))

    @admin.action(description=_("Withdraw selected"))
    def withdraw(self, request, queryset):
        self._run(request, queryset, services.WITHDRAW, str(_("withdrawn")))
