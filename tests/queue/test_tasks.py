"""Background work (archive/tasks.py): retries and reports, scheduled publication
through the workflow, embargo release, the weekly fixity check, and how the queue
is configured (in process without a broker)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from archive import media, tasks
from archive import models as m
from archive.storage import private_storage
from memorial import celery_app
from tests import factories as f

pytestmark = pytest.mark.django_db

PAST = datetime.timedelta(minutes=1)


@pytest.fixture
def publisher():
    return f.make_user("Publisher")


def scheduled(record, user, when=None):
    record.publish_at = when or timezone.now() - PAST
    record.scheduled_by = user
    record.save()
    return record


def last_reason(record) -> str:
    return record.history.latest().history_change_reason


# --- The queue --------------------------------------------------------------------


def test_tasks_run_in_process_without_a_broker():
    """Quickstart and tests name no broker: tasks run eagerly, acknowledged late."""
    assert settings.CELERY_BROKER_URL == ""
    assert celery_app.conf.task_always_eager
    assert celery_app.conf.task_acks_late
    assert celery_app.conf.task_reject_on_worker_lost


def test_every_scheduled_task_is_registered():
    """celery beat names only tasks the worker knows."""
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {
        "archive.publish_scheduled",
        "archive.release_embargoes",
        "archive.check_fixity",
        "archive.flush_visits",
    }
    assert names <= set(celery_app.tasks)


def test_a_failing_task_is_retried_then_reported_on_the_dashboard(
    monkeypatch, admin_client
):
    """Three retries after the first failure, then one report, shown on the
    dashboard until someone marks it as seen."""
    calls = []

    def broken(*, image_id):
        calls.append(image_id)
        raise OSError("storage unreachable")

    monkeypatch.setattr(media, "sync_rendition_visibility", broken)
    tasks.sync_image_renditions.delay(12345)
    assert calls == [12345] * 4
    [report] = m.TaskReport.objects.all()
    assert report.task == "archive.sync_image_renditions"
    assert report.outcome == m.Outcome.FAILED
    assert report.subject == "12345"
    assert report.message == "OSError: storage unreachable"
    page = admin_client.get("/admin/").content.decode()
    assert "Background tasks that failed after retries" in page
    assert "outcome__exact=failed&amp;seen__exact=0" in page
    report.seen = True
    report.save()
    assert "failed after retries" not in admin_client.get("/admin/").content.decode()


def test_a_task_that_succeeds_on_retry_reports_nothing(monkeypatch):
    """A passing hiccup is retried and leaves no report."""
    real = media.sync_rendition_visibility
    failures = [OSError("once")]

    def flaky(*, image_id):
        if failures:
            raise failures.pop()
        real(image_id=image_id)

    monkeypatch.setattr(media, "sync_rendition_visibility", flaky)
    image = f.make_image(status=m.Status.PUBLISHED)
    tasks.sync_image_renditions.delay(image.pk)
    assert not m.TaskReport.objects.exists()
    assert image.renditions.filter(spec="max-1600x1600").exists()


def test_contributors_do_not_see_task_reports_on_the_dashboard(client):
    tasks.report(task="archive.check_fixity", outcome=m.Outcome.PROBLEMS)
    client.force_login(f.make_user("Contributor"))
    assert "fixity" not in client.get("/admin/").content.decode()


# --- Renditions for newly published images ----------------------------------------


def test_publishing_an_image_makes_its_view_size_in_the_background(
    django_capture_on_commit_callbacks, publisher
):
    """After the commit the task makes the thumbnail, the card and the whole image
    fit to view (long side 1,600 px or less, never enlarged), all public."""
    from archive import services

    image = f.make_image()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=image, acting_user=publisher)
    specs = {r.spec: r for r in image.renditions.all()}
    assert {"fill-200x200", "fill-400x300", "max-1600x1600"} <= set(specs)
    assert all(r.is_public for r in specs.values())
    view = specs["max-1600x1600"]
    assert (view.width, view.height) == (image.width, image.height)


# --- Scheduled publication --------------------------------------------------------


def test_a_due_record_is_published_in_the_name_of_who_scheduled_it(publisher):
    event = f.make_event()
    f.cite(event)
    scheduled(event, publisher)
    assert tasks.publish_scheduled.delay().get() == 1
    event.refresh_from_db()
    assert event.status == m.Status.PUBLISHED
    assert event.publish_at is None and event.scheduled_by is None
    assert last_reason(event) == f"scheduled publication by {publisher}"


def test_a_record_not_yet_due_stays_a_draft(publisher):
    event = f.make_event()
    f.cite(event)
    scheduled(event, publisher, when=timezone.now() + datetime.timedelta(hours=1))
    assert tasks.publish_scheduled() == 0
    event.refresh_from_db()
    assert event.status == m.Status.DRAFT and event.publish_at is not None


def test_running_the_schedule_twice_publishes_once(publisher):
    """Idempotent: a second run (a retry, a redelivered message) changes nothing."""
    event = f.make_event()
    f.cite(event)
    scheduled(event, publisher)
    tasks.publish_scheduled()
    versions = event.history.count()
    assert tasks.publish_scheduled() == 0
    assert event.history.count() == versions


def test_a_schedule_set_by_someone_who_may_no_longer_publish_is_refused(publisher):
    """The workflow decides at publication time: a Publisher moved to Contributor
    since scheduling cannot publish; the schedule is cancelled, said in history and
    reported on the dashboard."""
    event = f.make_event()
    f.cite(event)
    scheduled(event, publisher)
    publisher.groups.clear()
    assert tasks.publish_scheduled() == 0
    event.refresh_from_db()
    assert event.status == m.Status.DRAFT and event.publish_at is None
    assert "cancelled" in last_reason(event)
    [report] = m.TaskReport.objects.needing_attention()
    assert report.outcome == m.Outcome.REFUSED
    assert "permission" in report.message


def test_a_scheduled_record_that_breaks_a_publication_rule_is_refused(publisher):
    """An event without a citation is not published by the clock either."""
    event = scheduled(f.make_event(), publisher)
    tasks.publish_scheduled()
    event.refresh_from_db()
    assert event.status == m.Status.DRAFT
    [report] = m.TaskReport.objects.all()
    assert "citation" in report.message and report.subject.startswith("Event")


def test_publishing_by_hand_cancels_the_schedule(publisher):
    from archive import services

    event = f.make_event()
    f.cite(event)
    scheduled(event, publisher, when=timezone.now() + datetime.timedelta(days=1))
    services.record_publish(record=event, acting_user=publisher)
    event.refresh_from_db()
    assert event.publish_at is None and event.scheduled_by is None


def test_a_record_published_by_hand_then_withdrawn_is_not_republished_on_schedule(
    publisher,
):
    """Scheduled, published early by hand, then withdrawn before the time came:
    publishing cleared the schedule, so the clock does not bring it back."""
    from archive import services

    event = f.make_event()
    f.cite(event)
    scheduled(event, publisher, when=timezone.now() + datetime.timedelta(hours=1))
    services.record_publish(record=event, acting_user=publisher)
    services.record_withdraw(record=event, acting_user=publisher)
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert tasks.publish_scheduled() == 0
    event.refresh_from_db()
    assert event.status == m.Status.WITHDRAWN
    assert not m.TaskReport.objects.exists()


def test_a_record_edited_after_scheduling_is_checked_as_it_is_at_publication(
    publisher,
):
    """The rules are checked when the time comes, not when it was set: a citation
    removed after scheduling stops the publication (cancelled and reported)."""
    event = f.make_event()
    citation = f.cite(event)
    scheduled(event, publisher)
    citation.delete()
    assert tasks.publish_scheduled() == 0
    event.refresh_from_db()
    assert event.status == m.Status.DRAFT and event.publish_at is None
    [report] = m.TaskReport.objects.needing_attention()
    assert report.outcome == m.Outcome.REFUSED and "citation" in report.message


def test_the_dashboard_counts_background_work_in_three_queries(
    publisher, django_assert_num_queries
):
    """Outcomes in one aggregate, scheduled records of every kind in one UNION,
    the last fixity check in one: not one count per kind."""
    from archive.admin_site import background_items

    scheduled(f.make_event(), publisher, when=timezone.now() + PAST)
    scheduled(f.make_person(), publisher, when=timezone.now() + PAST)
    for outcome in (m.Outcome.FAILED, m.Outcome.FAILED, m.Outcome.REFUSED):
        tasks.report(task="archive.publish_scheduled", outcome=outcome)
    with django_assert_num_queries(3):
        rows = {str(row["label"]): row["count"] for row in background_items()}
    assert rows["background tasks that failed after retries"] == 2
    assert rows["scheduled publications the workflow refused"] == 1
    assert rows["records scheduled for publication"] == 2
    assert "fixity checks that found problems" not in rows


# --- Embargo release --------------------------------------------------------------


def test_an_ended_embargo_is_released_once_with_history():
    today = timezone.localdate()
    person = f.make_person(
        status=m.Status.PUBLISHED, embargo_until=today + datetime.timedelta(days=3)
    )
    m.Person.objects.filter(pk=person.pk).update(embargo_until=today)
    before = m.ArchiveVersion.current().version
    assert tasks.release_embargoes() == 1
    person.refresh_from_db()
    assert person.embargo_until is None
    assert person.first_public_at is not None
    assert last_reason(person) == f"embargo ended on {today}"
    assert m.ArchiveVersion.current().version > before
    assert tasks.release_embargoes() == 0


def test_a_future_embargo_and_a_draft_are_left_alone():
    today = timezone.localdate()
    future = f.make_person(
        status=m.Status.PUBLISHED, embargo_until=today + datetime.timedelta(days=1)
    )
    draft = f.make_person(embargo_until=today)
    assert tasks.release_embargoes() == 0
    for person in (future, draft):
        person.refresh_from_db()
        assert person.embargo_until is not None


# --- Fixity -----------------------------------------------------------------------


def test_the_fixity_check_reports_intact_files(admin_client):
    f.make_image()
    tasks.check_fixity.delay()
    report = m.TaskReport.objects.get(task="archive.check_fixity")
    assert report.outcome == m.Outcome.SUCCEEDED
    assert report.message.startswith("Checked 1 files: 1 ok")
    page = admin_client.get("/admin/").content.decode()
    assert "no fixity check in the last week" not in page


def test_the_fixity_check_reports_a_changed_file_on_the_dashboard(admin_client):
    image = f.make_image()
    private_storage.delete(image.file.name)
    private_storage.save(image.file.name, ContentFile(b"tampered"))
    tasks.check_fixity()
    report = m.TaskReport.objects.get(task="archive.check_fixity")
    assert report.outcome == m.Outcome.PROBLEMS
    assert image.file.name in report.message
    page = admin_client.get("/admin/").content.decode()
    assert "Fixity checks that found problems" in page


def test_the_dashboard_says_when_no_fixity_check_ran_for_a_week(admin_client):
    """A silent worker or beat shows: no check in the last eight days."""
    page = admin_client.get("/admin/").content.decode()
    assert "No fixity check in the last week" in page


# --- Search words for bulk changes ------------------------------------------------


def test_a_bulk_change_rebuilds_search_documents_in_the_background(
    django_capture_on_commit_callbacks,
):
    """`update()` sends no signal; `records_changed_in_bulk` bumps the archive
    version now and queues the re-index after the commit."""
    from archive import effects

    event = f.make_event(title_en="Convoy")
    m.Event.objects.filter(pk=event.pk).update(title_en="General strike")
    before = m.ArchiveVersion.current().version
    with django_capture_on_commit_callbacks(execute=True):
        effects.records_changed_in_bulk(m.Event, [event.pk])
    assert m.ArchiveVersion.current().version > before
    document = m.SearchDocument.objects.get(kind="event", object_id=event.pk)
    assert document.title.get("en") == "General strike"
