"""Side effects of writes run once per change: archive version, search index,
rendition visibility, exhibition renditions (archive/effects.py wires them)."""

from __future__ import annotations

import pytest

from archive import media, services
from archive import models as m
from archive.api import files
from archive.search import index as search_index
from tests import factories as f

pytestmark = pytest.mark.django_db


def count_calls(monkeypatch, module, name: str) -> list:
    """Wrap `module.name` so each call is recorded (and still does its work)."""
    calls: list = []
    real = getattr(module, name)

    def counting(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def publisher():
    return f.make_user("Publisher")


def test_publishing_an_image_syncs_its_renditions_once(
    monkeypatch, django_capture_on_commit_callbacks, publisher
):
    """One publication moves the renditions to public storage once, not twice."""
    image = f.make_image()
    image.get_rendition("thumbnail")
    published = count_calls(monkeypatch, media, "publish_renditions")
    unpublished = count_calls(monkeypatch, media, "unpublish_renditions")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=image, acting_user=publisher)
    assert len(published) == 1 and unpublished == []
    assert all(r.is_public for r in image.renditions.all())


def test_withdrawing_an_image_syncs_its_renditions_once(
    monkeypatch, django_capture_on_commit_callbacks, publisher
):
    """One withdrawal removes the public renditions once, not twice."""
    image = f.make_image(status=m.Status.PUBLISHED)
    image.get_rendition("thumbnail")
    published = count_calls(monkeypatch, media, "publish_renditions")
    unpublished = count_calls(monkeypatch, media, "unpublish_renditions")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_withdraw(record=image, acting_user=publisher)
    assert len(unpublished) == 1 and published == []
    assert not image.renditions.exists()


def test_saving_an_image_outside_the_workflow_syncs_its_renditions_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    """A change form that restricts access hides the renditions, once."""
    image = f.make_image(status=m.Status.PUBLISHED)
    image.get_rendition("thumbnail")
    unpublished = count_calls(monkeypatch, media, "unpublish_renditions")
    with django_capture_on_commit_callbacks(execute=True):
        image.access = m.Access.STAFF
        image.save()
    assert len(unpublished) == 1
    assert not image.renditions.exists()


def test_rendition_sync_waits_for_the_commit(monkeypatch, publisher):
    """Nothing moves while the transaction that publishes may still roll back."""
    image = f.make_image()
    published = count_calls(monkeypatch, media, "publish_renditions")
    services.record_publish(record=image, acting_user=publisher)
    assert published == []  # the test's transaction never commits


def test_wiring_twice_still_runs_each_effect_once(
    monkeypatch, django_capture_on_commit_callbacks, publisher
):
    """`effects.connect()` is idempotent, as a second `ready()` would need."""
    from archive import effects

    effects.connect()
    image = f.make_image()
    published = count_calls(monkeypatch, media, "publish_renditions")
    indexed = count_calls(monkeypatch, search_index, "index")
    before = m.ArchiveVersion.current().version
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=image, acting_user=publisher)
    assert len(published) == 1
    assert [args for args, _kwargs in indexed] == [("image", [image.pk])]
    # The publication's save, then the renditions it made public after the commit.
    assert m.ArchiveVersion.current().version > before


def test_a_save_bumps_the_archive_version_once():
    """One save of a record is one content change."""
    event = f.make_event()
    before = m.ArchiveVersion.current().version
    event.title_en = "General strike"
    event.save()
    assert m.ArchiveVersion.current().version == before + 1


def test_an_m2m_change_bumps_the_archive_version_once():
    """Adding a place to an event is one content change."""
    event = f.make_event()
    place = f.make_place()
    before = m.ArchiveVersion.current().version
    event.places.add(place)
    assert m.ArchiveVersion.current().version == before + 1


def test_a_save_reindexes_the_record_once(monkeypatch):
    """One save re-indexes that record's search document once."""
    event = f.make_event()
    indexed = count_calls(monkeypatch, search_index, "index")
    event.title_en = "General strike"
    event.save()
    assert [args for args, _kwargs in indexed] == [("event", [event.pk])]
    document = m.SearchDocument.objects.get(kind="event", object_id=event.pk)
    assert "General strike" in str(document.texts)


def test_deleting_a_record_removes_its_search_document():
    """A deleted record leaves nothing behind in the index."""
    event = f.make_event(title_en="General strike")
    assert m.SearchDocument.objects.filter(kind="event", object_id=event.pk).exists()
    pk = event.pk
    event.delete()
    assert not m.SearchDocument.objects.filter(kind="event", object_id=pk).exists()
    assert not m.SearchFacet.objects.filter(document__object_id=pk).exists()


def test_publishing_an_exhibition_makes_its_image_sizes_once(
    monkeypatch, django_capture_on_commit_callbacks, publisher
):
    """Kiosks find every named size of an exhibition's images ready."""
    image = f.make_image(status=m.Status.PUBLISHED)
    exhibition = f.make_exhibition(items=[image])
    made = count_calls(monkeypatch, files, "ensure_named_renditions")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=exhibition, acting_user=publisher)
    assert [args for args, _kwargs in made] == [([image.pk],)]
    assert image.renditions.count() == 10  # five named sizes, JPEG and WebP


def test_workflow_steps_other_than_publishing_make_no_exhibition_sizes(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Submitting an exhibition for review renders nothing."""
    image = f.make_image(status=m.Status.PUBLISHED)
    exhibition = f.make_exhibition(items=[image])
    made = count_calls(monkeypatch, files, "ensure_named_renditions")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_submit(record=exhibition, acting_user=f.make_user("Editor"))
    assert made == []
