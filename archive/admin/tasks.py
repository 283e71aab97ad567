"""Reports of background work (archive/tasks.py): read them, note what you did,
mark them as seen so they leave the dashboard. The reports themselves are written
only by the tasks."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from archive.models import TaskReport


@admin.register(TaskReport)
class TaskReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task", "outcome", "subject", "seen")
    list_filter = ("outcome", "seen", "task")
    search_fields = ("subject", "message")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "task",
        "outcome",
        "subject",
        "message",
        "task_id",
        "note",
        "seen",
    )
    # Curators only note what they did and mark the report seen; tasks write the rest.
    readonly_fields = tuple(name for name in fields if name not in ("note", "seen"))
    actions = ("mark_seen",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # only the tasks report

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a report is evidence of what happened; mark it seen instead

    @admin.action(description=_("Mark selected as seen"), permissions=["change"])
    def mark_seen(self, request, queryset):
        count = queryset.filter(seen=False).update(seen=True)
        self.message_user(
            request,
            ngettext(
                "%(n)d report marked as seen.", "%(n)d reports marked as seen.", count
            )
            % {"n": count},
            messages.SUCCESS,
        )
