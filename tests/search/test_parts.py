"""Parts of records with their own rows are found with their record: an
exhibition's sections and captions, a recognition's rescuers, a testimony's
segment keywords; but only as the public sees them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches

from archive import models as m
from tests import factories as f
from tests.search.helpers import PUBLISHED, found, ref

pytestmark = pytest.mark.django_db


def item(section: m.ExhibitionSection, record, caption: str) -> m.ExhibitionItem:
    return m.ExhibitionItem.objects.create(
        section=section,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        caption_en=caption,
    )


def test_an_exhibition_is_found_by_its_sections_and_captions(api):
    exhibition = f.make_exhibition(**PUBLISHED, title_en="Hidden children")
    section = m.ExhibitionSection.objects.create(
        exhibition=exhibition, title_en="Convents", body_fr="Les soeurs de Jamoigne"
    )
    item(section, f.make_place(**PUBLISHED), "Qxshown caption")
    assert found(api, "convents") == [ref(exhibition)]
    assert found(api, "jamoigne") == [ref(exhibition)]
    assert found(api, "qxshown") == [ref(exhibition)]


def test_a_caption_of_a_hidden_record_is_never_found(api):
    exhibition = f.make_exhibition(**PUBLISHED, title_en="Deportations")
    section = exhibition.sections.get()
    hidden = f.make_event(status=m.Status.DRAFT, title_en="Raid")
    item(section, hidden, "Qxsecret caption")
    assert found(api, "qxsecret") == []
    # Published, its caption is shown, hence found (the exhibition is re-indexed).
    hidden.status = m.Status.PUBLISHED
    hidden.save()
    caches["api"].clear()
    assert found(api, "qxsecret") == [ref(exhibition)]


def test_a_recognition_is_found_by_its_public_rescuers_names(api):
    recognition = f.make_recognition(**PUBLISHED, rescuers=0, title_en="File")
    shown = f.make_person(**PUBLISHED, family_name="Somers")
    hidden = f.make_person(status=m.Status.DRAFT, family_name="Qxdraftname")
    m.Rescuer.objects.create(
        recognition=recognition, person=shown, name_as_listed="Qxlisted Somers"
    )
    m.Rescuer.objects.create(recognition=recognition, person=hidden, position=1)
    assert found(api, "qxlisted") == [ref(recognition)]
    assert found(api, "qxdraftname") == []
    # Publishing the person brings their name into the recognition's document.
    hidden.status = m.Status.PUBLISHED
    hidden.save()
    caches["api"].clear()
    assert found(api, "qxdraftname") == [ref(hidden), ref(recognition)]


def test_a_testimony_is_found_by_the_keywords_of_its_open_segments(api):
    testimony = f.make_testimony(**PUBLISHED, title_en="Account")
    open_segment = m.TestimonySegment.objects.create(
        testimony=testimony, start_seconds=0, end_seconds=5, title_en="Start"
    )
    closed = m.TestimonySegment.objects.create(
        testimony=testimony, start_seconds=5, end_seconds=9, title_en="Closed"
    )
    closed.is_closed = True
    closed.save()
    shown = m.Term.objects.create(vocabulary="keyword", slug="a", label_en="Qxcellar")
    secret = m.Term.objects.create(vocabulary="keyword", slug="b", label_en="Qxattic")
    open_segment.keywords.add(shown)
    closed.keywords.add(secret)
    assert found(api, "qxcellar") == [ref(testimony)]
    assert found(api, "qxattic") == []
    # A keyword's new label, and a keyword linked from its own side, are followed.
    shown.label_en = "Qxbasement"
    shown.save()
    secret.segments.add(open_segment)
    caches["api"].clear()
    assert found(api, "qxbasement") == [ref(testimony)]
    assert found(api, "qxattic") == [ref(testimony)]


def test_parts_of_hidden_records_are_never_found(api, keyed_api):
    exhibition = f.make_exhibition(status=m.Status.DRAFT, title_en="Draft show")
    m.ExhibitionSection.objects.create(exhibition=exhibition, title_en="Qxwalltext")
    recognition = f.make_recognition(
        **PUBLISHED, access=m.Access.STAFF, rescuers=0, title_en="Staff file"
    )
    m.Rescuer.objects.create(
        recognition=recognition,
        person=f.make_person(**PUBLISHED),
        name_as_listed="Qxstaffrescuer",
    )
    for client in (api, keyed_api):
        assert found(client, "qxwalltext") == []
        assert found(client, "qxstaffrescuer") == []


def test_facets_beyond_the_exact_limit_are_estimates_and_say_so(api, monkeypatch):
    monkeypatch.setattr("archive.search.facets.FACET_EXACT", 2)
    for _ in range(6):
        f.make_event(**PUBLISHED, title_en="Qxconvoy", date_edtf="1942")
    data = api.get("/api/v1/search/", {"q": "qxconvoy"}).json()
    assert data["count"] == 6 and len(data["results"]) == 6
    assert data["facets_approximate"] is True
    (decade,) = data["facets"]["decade"]
    assert decade["value"] == "1940" and decade["count"] % 3 == 0
    monkeypatch.setattr("archive.search.facets.FACET_EXACT", 1000)
    caches["api"].clear()
    data = api.get("/api/v1/search/", {"q": "qxconvoy"}).json()
    assert data["facets_approximate"] is False
    assert data["facets"]["decade"][0]["count"] == 6


def test_a_browse_lists_facets_are_exact_past_the_sampling_limit(monkeypatch):
    """A list that counts no total asks for exact facets by name; a search's
    facets are sampled by its total; a call naming neither (or both) is refused."""
    from archive.api.context import Audience
    from archive.search import engine, facets

    monkeypatch.setattr("archive.search.facets.FACET_EXACT", 2)
    for _ in range(6):
        f.make_event(**PUBLISHED, title_en="Qxconvoy", date_edtf="1942")
    request = engine.SearchRequest("", Audience(), "en", kinds=("event",))
    (decade,) = next(
        x for x in engine.listing(request).facets if x.name == "decade"
    ).values
    assert decade.count == 6
    body = (f"FROM {engine.DOCUMENTS} WHERE {engine.DOCUMENTS}.public", [])
    counted, approximate = facets.facets_for(request, body, exact=True)
    assert not approximate
    assert next(x for x in counted if x.name == "decade").values[0].count == 6
    _sampled, approximate = facets.facets_for(request, body, total=6)
    assert approximate
    with pytest.raises(TypeError):
        facets.facets_for(request, body)
    with pytest.raises(TypeError):
        facets.facets_for(request, body, total=6, exact=True)


@pytest.mark.parametrize("exact_limit", [2, 7, 1000])
def test_the_sample_step_is_the_same_rule_in_sql_and_in_python(
    monkeypatch, exact_limit
):
    """The PostgreSQL search statement picks the ids the facets count with the SQL
    form of the step; `facets_for` multiplies by the Python form. Were they to
    differ, the facets would count another sample than they scale."""
    from django.db import connection

    from archive.search import facets

    monkeypatch.setattr("archive.search.facets.FACET_EXACT", exact_limit)
    totals = [0, 1, 2, 3, 6, 7, 8, 999, 1000, 1001, 1999, 2000, 2001, 9999, 10000]
    with connection.cursor() as cursor:
        for total in totals:
            cursor.execute(f"SELECT {facets.sample_step_sql('%s')}", [total])
            assert cursor.fetchone()[0] == facets.sample_step(total), total
    assert facets.sample_step(exact_limit) == 1
    assert facets.sample_step(exact_limit + 1) == 2


def test_sampled_facets_count_the_ids_whose_step_divides_them(api, monkeypatch):
    """Seven matches, a step of ceil(7 / 2) = 4: the decade counts the matches
    whose id is a multiple of 4, times 4, on either database's path."""
    monkeypatch.setattr("archive.search.facets.FACET_EXACT", 2)
    events = [
        f.make_event(**PUBLISHED, title_en="Qxsampled", date_edtf="1942")
        for _ in range(7)
    ]
    documents = m.SearchDocument.objects.filter(
        object_id__in=[event.pk for event in events], kind="event"
    ).values_list("id", flat=True)
    expected = 4 * sum(1 for id_ in documents if id_ % 4 == 0)
    data = api.get("/api/v1/search/", {"q": "qxsampled"}).json()
    assert data["count"] == 7 and data["facets_approximate"] is True
    decades = data["facets"]["decade"]
    assert [d["count"] for d in decades] == ([expected] if expected else [])
