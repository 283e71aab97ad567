"""What background work reports to curators: failures, refusals and fixity checks.

A task that still fails after its retries, a scheduled publication the workflow
refused, and every weekly fixity check leave a row here; the admin dashboard shows
the ones nobody has marked as seen (`archive/admin_site.py`). Nothing a worker does
is silently dropped.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    PROBLEMS = "problems", _("Found problems")
    REFUSED = "refused", _("Refused by the workflow")
    FAILED = "failed", _("Failed after retries")


class TaskReportQuerySet(models.QuerySet):
    def needing_attention(self) -> TaskReportQuerySet:
        """Reports of something wrong that no curator has marked as seen yet."""
        return self.exclude(outcome=Outcome.SUCCEEDED).filter(seen=False)


class TaskReport(models.Model):
    """One outcome of background work worth a curator's attention."""

    task = models.CharField(
        _("task"),
        max_length=100,
        db_index=True,
        help_text=_("Which background task this is about."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, db_index=True
    )
    subject = models.CharField(
        _("subject"),
        max_length=255,
        blank=True,
        help_text=_("The record or file concerned, if any."),
    )
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("What you did about it, for whoever reads this report next."),
    )
    seen = models.BooleanField(
        _("seen"),
        default=False,
        help_text=_("Tick once you have dealt with it; it leaves the dashboard."),
    )

    objects = TaskReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("background task report")
        verbose_name_plural = _("background task reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task}: {self.get_outcome_display()}"
