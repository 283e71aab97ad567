"""The demo loader: idempotent, all-or-nothing, and loud about bad fixtures."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Max

from archive import models as m
from archive.demo import DemoArchiveError, default_path, load_demo_archive
from tests import factories as f

pytestmark = pytest.mark.django_db

DEMO_IMAGE = default_path() / "images" / "map-of-places.png"


def row_counts() -> dict[str, int]:
    """Rows in every table of the archive app, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("archive").get_models()
    }


def write_fixture(folder: Path, **lists) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "archive.json").write_text(json.dumps(lists), encoding="utf-8")
    return folder


SOURCE = {"slug": "a-source", "title": "A source", "url": "https://example.org/a"}


def test_loading_the_demo_twice_changes_nothing_and_adds_no_history():
    """Re-running the import writes nothing: no duplicates, no new history rows."""
    first = load_demo_archive()
    before = row_counts()
    stamp = m.Event.objects.aggregate(Max("updated_at"))["updated_at__max"]
    second = load_demo_archive()
    assert second == first
    assert row_counts() == before
    assert m.Event.objects.aggregate(Max("updated_at"))["updated_at__max"] == stamp
    assert before["archive.HistoricalEvent"] == m.Event.objects.count() * 2


def test_an_edited_fixture_updates_the_record_in_place(tmp_path):
    """Upsert by slug: a changed title changes that record, and only that record."""
    folder = tmp_path / "demo"
    event = {
        "slug": "an-event",
        "title": {"en": "First title", "fr": "Premier titre"},
        "kind": "other",
        "date": "1943",
        "citations": [{"source": "a-source"}],
    }
    write_fixture(folder, sources=[SOURCE], events=[event])
    load_demo_archive(path=folder)
    original = m.Event.objects.get(slug="an-event")
    event["title"] = {"en": "Second title"}
    write_fixture(folder, sources=[SOURCE], events=[event])
    load_demo_archive(path=folder)
    edited = m.Event.objects.get(slug="an-event")
    assert edited.pk == original.pk
    assert (edited.title_en, edited.title_fr) == ("Second title", None)
    assert m.Event.objects.filter(slug="an-event").count() == 1
    assert edited.history.count() == 3  # created, published, edited


def test_a_record_that_cannot_be_published_stops_the_whole_import(tmp_path):
    """All or nothing: an uncited event names itself and nothing else is kept."""
    folder = write_fixture(
        tmp_path / "demo",
        sources=[SOURCE],
        events=[{"slug": "uncited-event", "title": "Uncited", "kind": "other"}],
    )
    with pytest.raises(DemoArchiveError, match="uncited-event.*cannot be published"):
        load_demo_archive(path=folder)
    assert not m.Source.objects.filter(slug="a-source").exists()
    assert not m.Event.objects.exists()


def test_a_reference_to_an_unknown_slug_names_the_record(tmp_path):
    folder = write_fixture(
        tmp_path / "demo",
        sources=[SOURCE],
        places=[{"slug": "a-place", "name": "A place", "parent": "nowhere"}],
    )
    with pytest.raises(DemoArchiveError, match="'a-place'.*'nowhere'"):
        load_demo_archive(path=folder)


def test_a_misspelt_key_is_refused_rather_than_ignored(tmp_path):
    folder = write_fixture(tmp_path / "demo", sources=[{**SOURCE, "titel": "typo"}])
    with pytest.raises(DemoArchiveError, match="unknown key 'titel'"):
        load_demo_archive(path=folder)


def test_a_living_person_marked_for_publication_is_refused(tmp_path):
    """The living-person rule holds in the fixture too: no consent, no publication."""
    folder = write_fixture(
        tmp_path / "demo",
        sources=[SOURCE],
        people=[
            {
                "slug": "maybe-living",
                "family_name": "Example",
                "citations": [{"source": "a-source"}],
            }
        ],
    )
    with pytest.raises(DemoArchiveError, match="maybe-living.*consent"):
        load_demo_archive(path=folder)


def test_a_failed_import_leaves_no_image_file_behind(tmp_path, _isolated_media):
    """Files stored for an import that rolls back are removed with it."""
    folder = tmp_path / "demo"
    (folder / "images").mkdir(parents=True)
    shutil.copy(DEMO_IMAGE, folder / "images" / "map.png")
    image = {
        "slug": "an-image",
        "file": "images/map.png",
        "title": "A map",
        "alt_text": "A map.",
        "credit_line": "A map, CC0",
        "rights_uri": "CC0",
    }
    write_fixture(
        folder,
        sources=[SOURCE],
        images=[image],
        events=[{"slug": "uncited-event", "title": "Uncited", "kind": "other"}],
    )
    with pytest.raises(DemoArchiveError):
        load_demo_archive(path=folder)
    assert not m.Image.objects.exists()
    private = _isolated_media / "private"
    assert not [p for p in private.rglob("*") if p.is_file()]


def test_an_image_without_alt_text_in_a_claimed_language_is_not_published(tmp_path):
    folder = tmp_path / "demo"
    (folder / "images").mkdir(parents=True)
    shutil.copy(DEMO_IMAGE, folder / "images" / "map.png")
    image = {
        "slug": "an-image",
        "file": "images/map.png",
        "title": {"en": "A map", "fr": "Une carte"},
        "alt_text": {"en": "A map."},
        "credit_line": {"en": "A map, CC0", "fr": "Une carte, CC0"},
        "rights_uri": "CC0",
    }
    write_fixture(folder, images=[image])
    with pytest.raises(DemoArchiveError, match="an-image.*alt text \\(fr\\)"):
        load_demo_archive(path=folder)


def test_load_demo_command_reports_counts_and_records_the_acting_user(tmp_path):
    curator = f.make_user(username="demo-curator")
    folder = write_fixture(
        tmp_path / "demo", sources=[SOURCE], places=[{"slug": "p", "name": "P"}]
    )
    out = io.StringIO()
    call_command("load_demo", path=folder, user="demo-curator", stdout=out)
    assert "sources" in out.getvalue() and "places_published" in out.getvalue()
    source = m.Source.objects.get(slug="a-source")
    assert source.created_by == curator
    assert source.history.earliest().history_user == curator


def test_load_demo_command_turns_a_bad_fixture_into_a_command_error(tmp_path):
    folder = write_fixture(tmp_path / "demo", sources=[{"title": "no slug"}])
    with pytest.raises(CommandError, match="has no slug"):
        call_command("load_demo", path=folder, stdout=io.StringIO())


def test_a_curators_change_to_a_demo_record_survives_a_reload(tmp_path):
    """Re-running the import (quickstart does) never undoes a curator's edit."""
    event = {
        "slug": "an-event",
        "title": "Fixture title",
        "kind": "other",
        "date": "1943",
        "citations": [{"source": "a-source"}],
    }
    folder = write_fixture(tmp_path / "demo", sources=[SOURCE], events=[event])
    load_demo_archive(path=folder)
    edited = m.Event.objects.get(slug="an-event")
    edited.title_en = "Corrected by a curator"
    edited.save()  # as the admin would: a history entry without the import's reason
    source = m.Source.objects.get(slug="a-source")
    source.title = "A source, renamed by a curator"
    source.save()
    counts = load_demo_archive(path=folder)
    assert m.Event.objects.get(slug="an-event").title_en == "Corrected by a curator"
    assert m.Source.objects.get(slug="a-source").title.endswith("by a curator")
    assert counts["kept_curator_changes"] == 2


def test_a_citation_added_by_a_curator_survives_a_reload(tmp_path):
    event = {
        "slug": "an-event",
        "title": "An event",
        "kind": "other",
        "date": "1943",
        "citations": [{"source": "a-source"}],
    }
    folder = write_fixture(tmp_path / "demo", sources=[SOURCE], events=[event])
    load_demo_archive(path=folder)
    f.cite(m.Event.objects.get(slug="an-event"), locator="p. 3")
    load_demo_archive(path=folder)
    assert m.Event.objects.get(slug="an-event").citations.count() == 2
