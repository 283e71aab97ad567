"""Background work: renditions, search words for bulk changes, scheduled
publication, embargo release and the weekly fixity check.

Run by a Celery worker (`celery -A memorial worker`; periodic work is queued by
`celery -A memorial beat`, on the schedule in `CELERY_BEAT_SCHEDULE`). Without a
broker (quickstart, tests) each task runs in process when it is queued. Why Celery,
and how to run it: docs/background-work.md.

Every task here is idempotent: it looks at the database as it is and does what is
still missing (a rendition that exists is not made again, a record already published
is not published twice), so running it twice, or again after a worker died in the
middle of it, is safe. Messages are acknowledged only when a task has finished
(`acks_late`), so a killed worker leaves its message on the broker for the next one.
A task that raises is retried with growing delays; one that still fails, a scheduled
publication the workflow refuses, and every fixity check leave a `TaskReport` that
the admin dashboard shows until a curator marks it as seen.

Which write queues which task is decided in `archive/effects.py`, nowhere else.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone

from archive import fixity, kinds, media, services, visits
from archive.api import files
from archive.models import Outcome, Publishable, Status, TaskReport
from archive.search import index as search_index

logger = logging.getLogger(__name__)

#: How many findings of a fixity check a report lists (the command lists them all).
REPORTED_FINDINGS = 200


class ArchiveTask(Task):
    """Retried on any error (3 times, 30 s, 60 s, 120 s apart, with jitter), then
    reported; acknowledged only once finished, requeued if its worker dies."""

    autoretry_for = (Exception,)
    max_retries = 3
    retry_backoff = 30
    retry_backoff_max = 600
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """Out of retries: say so on the dashboard, never drop it silently."""
        report(
            task=self.name,
            outcome=Outcome.FAILED,
            subject=", ".join(str(a) for a in [*args, *kwargs.values()])[:255],
            message=f"{type(exc).__name__}: {exc}",
            task_id=task_id or "",
        )


def report(
    *, task: str, outcome: str, subject: str = "", message: str = "", task_id: str = ""
) -> TaskReport | None:
    """Keep an outcome for the dashboard (and the log, should the database fail)."""
    log = logger.info if outcome == Outcome.SUCCEEDED else logger.error
    log("%s %s %s: %s", task, outcome, subject, message)
    try:
        return TaskReport.objects.create(
            task=task,
            outcome=outcome,
            subject=subject[:255],
            message=message,
            task_id=task_id[:64],
        )
    except Exception:
        logger.exception("Could not record the report of %s.", task)
        return None


def _label(record: Publishable) -> str:
    return f"{record.record_label()}: {record}"[:255]


# --- Renditions -------------------------------------------------------------------


@shared_task(base=ArchiveTask, name="archive.sync_image_renditions")
def sync_image_renditions(image_id: int) -> None:
    """An image's renditions as public as the image; for a public image, its usual
    sizes made too (thumbnail, card, and the whole image fit to view that IIIF
    canvases paint)."""
    media.sync_rendition_visibility(image_id=image_id)


@shared_task(base=ArchiveTask, name="archive.restore_rendition_file")
def restore_rendition_file(rendition_id: int) -> None:
    """A public rendition whose file was lost, made again from the original under
    its own name (asked for by `media_views.public_rendition`)."""
    media.restore_rendition_file(rendition_id)


@shared_task(base=ArchiveTask, name="archive.make_exhibition_renditions")
def make_exhibition_renditions(exhibition_id: int) -> None:
    """Every named size of an exhibition's images, so kiosks, manifests and offline
    bundles find them ready."""
    files.ensure_named_renditions(files.exhibition_image_ids(exhibition_id))


# --- Search words -----------------------------------------------------------------


@shared_task(base=ArchiveTask, name="archive.reindex_records")
def reindex_records(kind: str, ids: list[int]) -> None:
    """Rebuild the search documents of records changed in bulk (`update()` and
    other bulk writes send no signals), through the index's one write path.
    Queued through `effects.records_changed_in_bulk`."""
    search_index.index(kind, ids)


# --- Scheduled publication and embargo release ------------------------------------


@shared_task(base=ArchiveTask, name="archive.publish_scheduled")
def publish_scheduled() -> int:
    """Publish every record whose publication time has come; returns how many.

    Each record is published in the name of whoever scheduled it, through the
    workflow (`services.record_publish_scheduled`). A refusal (they may no longer
    publish, the record lacks a citation or alt text...) cancels the schedule, says
    why in the record's history and is reported on the dashboard.
    """
    now = timezone.now()
    published = 0
    for model in kinds.PUBLISHABLE_MODELS:
        due = model._default_manager.filter(publish_at__lte=now)
        for pk in due.values_list("pk", flat=True):
            published += _publish_one(model, pk, now)
    return published


def _publish_one(model: type[Publishable], pk: int, now: Any) -> int:
    with transaction.atomic():
        record = (
            # No select_related: PostgreSQL cannot lock the nullable side of the
            # outer join to the scheduler.
            model._default_manager.select_for_update()
            .filter(pk=pk, publish_at__lte=now)
            .first()
        )
        if record is None:  # published or rescheduled meanwhile
            return 0
        try:
            services.record_publish_scheduled(record=record)
        except services.WorkflowError as error:
            services.record_cancel_schedule(record=record, reason=str(error))
            report(
                task="archive.publish_scheduled",
                outcome=Outcome.REFUSED,
                subject=_label(record),
                message=str(error),
            )
            return 0
    return 1


@shared_task(base=ArchiveTask, name="archive.release_embargoes")
def release_embargoes() -> int:
    """End the embargo of every published record whose date has come; returns how
    many. The public could already see them (visibility reads the date), but only a
    save brings what follows it: public renditions, the audiences' Last-Modified,
    the first-public mark, a history entry, the search index's audiences."""
    today = timezone.localdate()
    released = 0
    for model in kinds.PUBLISHABLE_MODELS:
        due = model._default_manager.filter(
            status=Status.PUBLISHED, embargo_until__lte=today
        )
        for record in due:
            if services.record_release_embargo(record=record, today=today):
                released += 1
    # Search reads who may find a record from its document: bring in what the date
    # alone changed (an embargo ended since the last run, a person presumed dead).
    search_index.refresh_visibility()
    return released


# --- Fixity -----------------------------------------------------------------------


@shared_task(base=ArchiveTask, name="archive.check_fixity")
def check_fixity() -> None:
    """Re-hash every original and source file (`archive.fixity.verify_fixity`) and
    report the result to the dashboard, problems first."""
    result = fixity.verify_fixity()
    problems = result.problems
    lines = [result.summary()]
    lines += [finding.describe() for finding in problems[:REPORTED_FINDINGS]]
    if len(problems) > REPORTED_FINDINGS:
        lines.append(
            f"... and {len(problems) - REPORTED_FINDINGS} more: run "
            "`python manage.py verify_fixity` for the whole list."
        )
    report(
        task="archive.check_fixity",
        outcome=Outcome.PROBLEMS if problems else Outcome.SUCCEEDED,
        subject=f"{len(problems)} problems" if problems else "",
        message="\n".join(lines),
    )


@shared_task(base=ArchiveTask, name="archive.flush_visits")
def flush_visits() -> int:
    """Move the page views counted in the cache into `RecordVisit` rows."""
    return visits.flush()
