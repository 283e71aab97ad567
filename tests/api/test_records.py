"""What the answers say: languages, dates, images, citations, pages, filters,
exhibitions, testimonies, sources, withdrawals and the changes feed."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from archive import models as m
from archive import services
from tests import factories as f
from tests.api.builders import ct, full_archive

pytestmark = pytest.mark.django_db


def publisher():
    return get_user_model().objects.create_superuser("boss", password="x" * 20)


# Languages and dates -----------------------------------------------------------


def test_translated_fields_are_language_maps(api):
    event = f.make_event(
        status=m.Status.PUBLISHED, title_en="Liberation", title_fr="Libération"
    )
    data = api.get(f"/api/v1/events/{event.uuid}/").json()
    assert data["title"] == {
        "en": "Liberation",
        "fr": "Libération",
        "nl": None,
        "de": None,
    }


def test_lang_collapses_maps_with_english_fallback(api):
    event = f.make_event(
        status=m.Status.PUBLISHED, title_en="Liberation", title_fr="Libération"
    )
    url = f"/api/v1/events/{event.uuid}/"
    assert api.get(url + "?lang=fr").json()["title"] == "Libération"
    assert api.get(url + "?lang=nl").json()["title"] == "Liberation"
    assert api.get(url + "?lang=de").json()["description"] is None


def test_dates_carry_edtf_display_and_bounds(api):
    event = f.make_event(
        status=m.Status.PUBLISHED, date_edtf="1942-08~", date_display_en="August 1942"
    )
    data = api.get(f"/api/v1/events/{event.uuid}/?lang=en").json()
    assert data["date"] == {
        "edtf": "1942-08~",
        "display": "August 1942",
        "earliest": "1942-08-01",
        "latest": "1942-08-31",
    }


# Images, citations ------------------------------------------------------------------


def test_every_image_carries_renditions_alt_text_credit_and_rights(api):
    archive = full_archive()
    data = api.get(f"/api/v1/images/{archive.image.uuid}/?lang=en").json()
    assert data["alt_text"] == "A plain brown rectangle used in tests."
    assert data["credit_line"].startswith('"Image')
    assert data["rights"] == {
        "uri": "http://creativecommons.org/publicdomain/zero/1.0/",
        "label": "CC0 1.0 (public domain dedication)",
    }
    names = {(r["name"], r["format"]) for r in data["renditions"]}
    assert names == {
        ("thumbnail", "jpeg"),
        ("thumbnail", "webp"),
        ("card", "jpeg"),
        ("card", "webp"),
    }
    for rendition in data["renditions"]:
        assert rendition["url"].startswith("http://testserver/media/")
        assert rendition["width"] > 0 and rendition["height"] > 0
    # Nested: the exhibition's hero image is the same full object.
    exhibition = api.get(f"/api/v1/exhibitions/{archive.exhibition.uuid}/").json()
    assert exhibition["hero_image"]["renditions"]
    assert exhibition["hero_image"]["credit_line"]["en"] == data["credit_line"]


def test_citations_show_only_visible_sources(api):
    event = f.make_event(status=m.Status.PUBLISHED)
    shown = f.make_source(title="Shown")
    hidden = f.make_source(title="Hidden", status=m.Status.DRAFT)
    f.cite(event, shown, locator="p. 4", quotation="Words.")
    f.cite(event, hidden, locator="p. 5")
    data = api.get(f"/api/v1/events/{event.uuid}/").json()
    assert [c["source"]["title"] for c in data["citations"]] == ["Shown"]
    assert data["citations"][0]["locator"] == "p. 4"
    assert data["citations"][0]["quotation"] == "Words."


# Pages and filters ---------------------------------------------------------------------


def walk(api, url: str) -> list[dict]:
    results = []
    while url:
        page = api.get(url).json()
        results.extend(page["results"])
        url = page["next"]
    return results


@pytest.mark.parametrize("ordering", ["date", "-date", "title", "-title", "updated"])
def test_pages_cover_every_record_once_in_order(api, ordering):
    """Keyset pages are complete and stable, null dates included."""
    for n in range(7):
        f.make_recognition(
            status=m.Status.PUBLISHED,
            title_en=f"R{n % 3}",
            date_edtf="" if n % 3 == 0 else f"19{60 + n % 2}",
        )
    results = walk(api, f"/api/v1/recognitions/?page_size=2&ordering={ordering}")
    assert len(results) == 7
    assert len({r["id"] for r in results}) == 7
    first = api.get(f"/api/v1/recognitions/?page_size=2&ordering={ordering}").json()
    assert first["count"] == 7 and first["previous"] is None
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def test_page_size_defaults_to_20_and_allows_100(api):
    for _n in range(23):
        f.make_place(status=m.Status.PUBLISHED)
    assert len(api.get("/api/v1/places/").json()["results"]) == 20
    assert len(api.get("/api/v1/places/?page_size=100").json()["results"]) == 23


def test_recognition_filters(api):
    liege = f.make_place(status=m.Status.PUBLISHED, name_en="Liège")
    hidden_place = f.make_place(status=m.Status.DRAFT)
    a = f.make_recognition(
        status=m.Status.PUBLISHED, date_edtf="1965", country_code="BE"
    )
    b = f.make_recognition(status=m.Status.PUBLISHED, date_edtf="[1967,1968]")
    c = f.make_recognition(
        status=m.Status.PUBLISHED, date_edtf="1990", country_code="NL"
    )
    a.places.add(liege)
    c.places.add(hidden_place)

    def ids(query):
        return {
            r["id"] for r in api.get(f"/api/v1/recognitions/?{query}").json()["results"]
        }

    assert ids("country=be") == {str(a.uuid), str(b.uuid)}
    assert ids("year_from=1966&year_to=1970") == {str(b.uuid)}
    assert ids("year_to=1965") == {str(a.uuid)}
    assert ids(f"place={liege.uuid}") == {str(a.uuid)}
    assert ids(f"place={hidden_place.uuid}") == set()
    assert api.get("/api/v1/recognitions/?country=be").json()["count"] == 2


def test_people_by_role_events_by_date_and_kind_images_by_subject(api):
    rescuer_role = m.Term.objects.create(
        vocabulary="role", slug="rescuer", label_en="R"
    )
    person = f.make_person(status=m.Status.PUBLISHED)
    person.roles.add(rescuer_role)
    f.make_person(status=m.Status.PUBLISHED)
    people = api.get("/api/v1/people/?role=rescuer").json()
    assert [p["id"] for p in people["results"]] == [str(person.uuid)]
    raid = f.make_event(status=m.Status.PUBLISHED, kind="raid", date_edtf="1942-08")
    f.make_event(status=m.Status.PUBLISHED, kind="raid", date_edtf="1944-09")
    events = api.get("/api/v1/events/?kind=raid&date_before=1942-12-31").json()
    assert [e["id"] for e in events["results"]] == [str(raid.uuid)]
    events = api.get("/api/v1/events/?date_after=1942-08-15&date_before=1942-08-16")
    assert [e["id"] for e in events.json()["results"]] == [str(raid.uuid)]
    image = f.make_image(status=m.Status.PUBLISHED)
    f.make_image(status=m.Status.PUBLISHED)
    image.depicted_events.add(raid)
    images = api.get(f"/api/v1/images/?depicts={raid.uuid}").json()
    assert [i["id"] for i in images["results"]] == [str(image.uuid)]


def test_updated_since_filters_every_list(api):
    old = f.make_place(status=m.Status.PUBLISHED)
    m.Place.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    new = f.make_place(status=m.Status.PUBLISHED)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    data = api.get("/api/v1/places/", {"updated_since": since}).json()
    assert [p["id"] for p in data["results"]] == [str(new.uuid)]


def test_figures_answering_the_same_question_sit_together(api):
    one = f.make_figure(status=m.Status.PUBLISHED, measure="deported", value=25000)
    two = f.make_figure(status=m.Status.PUBLISHED, measure="deported", value=25800)
    f.make_figure(status=m.Status.PUBLISHED, measure="other")
    data = api.get("/api/v1/figures/?measure=deported").json()
    assert [x["id"] for x in data["results"]] == [str(one.uuid), str(two.uuid)]
    assert data["results"][1]["value"] == 25800


# Exhibitions, testimonies, sources ---------------------------------------------------


def test_exhibition_tree_in_one_answer_skips_hidden_items(api):
    archive = full_archive()
    draft = f.make_event(status=m.Status.DRAFT, title_en="Secret")
    section = archive.exhibition.sections.get()
    m.ExhibitionItem.objects.create(
        section=section, position=0, content_type=ct(draft), object_id=draft.pk
    )
    m.ExhibitionItem.objects.create(
        section=section, position=1, content_type=ct(draft), object_id=999999
    )
    data = api.get(f"/api/v1/exhibitions/{archive.exhibition.uuid}/?lang=en").json()
    items = data["sections"][0]["items"]
    assert len(items) == 10
    assert items[0]["type"] == "image"
    assert items[0]["record"]["renditions"]
    segment = next(i for i in items if i["type"] == "segment")
    assert segment["caption"] == "Listen to this part."
    assert segment["record"]["testimony"]["id"] == str(archive.testimony.uuid)
    assert "Secret" not in str(data)


def test_exhibition_list_has_no_tree(api):
    archive = full_archive()
    data = api.get("/api/v1/exhibitions/").json()["results"][0]
    assert data["id"] == str(archive.exhibition.uuid)
    assert "sections" not in data


def test_testimony_shows_open_segments_and_public_transcripts_only(api):
    archive = full_archive()
    m.TestimonySegment.objects.create(
        testimony=archive.testimony,
        start_seconds=200,
        end_seconds=300,
        title_en="Closed part",
        is_closed=True,
    )
    m.Transcript.objects.create(
        testimony=archive.testimony, language="de", text="Not cleared"
    )
    data = api.get(f"/api/v1/testimonies/{archive.testimony.uuid}/?lang=en").json()
    assert [s["title"] for s in data["segments"]] == ["Arrest"]
    assert [t["text"] for t in data["transcripts"]] == ["Le texte."]
    assert data["witness"]["id"] == str(archive.person.uuid)
    assert data["languages"] == ["fr", "nl"]
    listed = api.get("/api/v1/testimonies/").json()["results"][0]
    assert "transcripts" not in listed


def test_source_exports_csl_json(api):
    archive = full_archive()
    response = api.get(f"/api/v1/sources/{archive.source.uuid}/csl/")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    [item] = response.json()
    assert item["type"] == "webpage"
    assert item["author"] == [
        {"family": "Doe", "given": "Jane"},
        {"literal": "Memorial Archive"},
    ]
    assert item["container-title"] == "Le Soir"
    assert item["issued"]["date-parts"] == [[1943, 4, 19]]
    assert item["accessed"] == {"date-parts": [[2025, 5, 8]]}
    data = api.get(f"/api/v1/sources/{archive.source.uuid}/").json()
    assert data["citation_text"].startswith("Doe, Jane; Memorial Archive. “Test source")
    assert data["transcription"] == "Text of the article."


# Withdrawals and the changes feed ---------------------------------------------------


def test_withdrawn_record_answers_410_to_whoever_saw_it(api, keyed_api):
    user = publisher()
    event = f.make_event(status=m.Status.PUBLISHED)
    f.cite(event)
    url = f"/api/v1/events/{event.uuid}/"
    assert api.get(url).status_code == 200
    services.record_withdraw(record=event, acting_user=user)
    response = api.get(url)
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    exhibition_only = f.make_event(
        status=m.Status.PUBLISHED, access=m.Access.EXHIBITION
    )
    services.record_withdraw(record=exhibition_only, acting_user=user)
    # The public never saw it: it looks like it never existed.
    assert api.get(f"/api/v1/events/{exhibition_only.uuid}/").status_code == 404
    assert keyed_api.get(f"/api/v1/events/{exhibition_only.uuid}/").status_code == 410


def test_changes_feed_gives_updates_and_tombstones(api):
    user = publisher()
    before = timezone.now() - datetime.timedelta(seconds=1)
    kept = f.make_event(status=m.Status.PUBLISHED)
    gone = f.make_event(status=m.Status.PUBLISHED)
    f.cite(gone)
    never_public = f.make_event(status=m.Status.PUBLISHED, access=m.Access.STAFF)
    services.record_withdraw(record=gone, acting_user=user)
    never_public.status = m.Status.WITHDRAWN
    never_public.save()
    data = api.get("/api/v1/changes/", {"since": before.isoformat()}).json()
    entries = {(e["id"], e["action"]) for e in data["results"] if e["type"] == "event"}
    assert (str(kept.uuid), "updated") in entries
    assert (str(gone.uuid), "removed") in entries
    assert not any(e[0] == str(never_public.uuid) for e in entries)
    later = api.get("/api/v1/changes/", {"since": timezone.now().isoformat()}).json()
    assert later["results"] == [] and later["count"] == 0


def test_changes_feed_reports_deleted_and_embargoed_records(api):
    before = timezone.now() - datetime.timedelta(seconds=1)
    deleted = f.make_place(status=m.Status.PUBLISHED)
    deleted_uuid = str(deleted.uuid)
    deleted.delete()
    embargoed = f.make_place(status=m.Status.PUBLISHED)
    embargoed.embargo_until = timezone.localdate() + datetime.timedelta(days=9)
    embargoed.save()
    data = api.get("/api/v1/changes/", {"since": before.isoformat()}).json()
    removed = {e["id"] for e in data["results"] if e["action"] == "removed"}
    assert {deleted_uuid, str(embargoed.uuid)} <= removed


def test_changes_feed_pages_through_everything(api):
    for _n in range(5):
        f.make_place(status=m.Status.PUBLISHED)
        f.make_event(status=m.Status.PUBLISHED)
    entries = walk(api, "/api/v1/changes/?page_size=3")
    assert len(entries) == 10
    assert len({(e["type"], e["id"]) for e in entries}) == 10
    moments = [e["updated_at"] for e in entries]
    assert moments == sorted(moments)


@pytest.mark.parametrize("ordering", ["date", "-date", "title", "-title", "updated"])
def test_reused_page_query_gives_the_pages_a_fresh_one_gives(ordering):
    """The compiled page query reused with new cursor values (unfiltered lists)
    returns exactly what the ORM builds afresh, nulls and ties included."""
    from archive.api.pagination import KeysetPaginator
    from archive.api.views import RecognitionViewSet

    for n in range(9):
        f.make_recognition(
            status=m.Status.PUBLISHED,
            title_en=f"R{n % 3}",
            date_edtf="" if n % 4 == 0 else f"19{60 + n % 2}",
        )
    paginator = KeysetPaginator(
        m.Recognition.objects.public(), RecognitionViewSet.orderings[ordering]
    )
    cursor, seen = None, []
    while True:
        fresh = paginator.page(cursor, 2)
        reused = paginator.page(cursor, 2, shape_key=("test", ordering))
        assert reused == fresh
        seen += fresh.pks
        if fresh.previous_cursor:
            back = paginator.page(fresh.previous_cursor, 2)
            assert paginator.page(fresh.previous_cursor, 2, ("test", ordering)) == back
        cursor = fresh.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 9
