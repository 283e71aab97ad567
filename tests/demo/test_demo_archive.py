"""The demo archive as loaded: complete, publishable, cited, attributed and honest."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from archive import models as m
from archive.demo import RECORD_TYPES
from archive.models.people import presumed_dead_cutoff

pytestmark = pytest.mark.django_db

LISTS = {record_type.key: record_type.model for record_type in RECORD_TYPES}
MUST_CITE = (m.Person, m.Recognition, m.Event, m.Testimony, m.Figure)
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def demo_records(demo, model):
    key = next(key for key, candidate in LISTS.items() if candidate is model)
    slugs = [record["slug"] for record in demo.records(key)]
    return model.objects.filter(slug__in=slugs)


def cited_field(record, field_name: str) -> list[m.Citation]:
    return list(
        m.Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            field_name=field_name,
        )
    )


@pytest.mark.parametrize("key", list(LISTS))
def test_every_record_of_the_fixture_is_in_the_database_once(demo, key):
    """Each list lands whole: one row per slug, and the loader counts them all."""
    slugs = [record["slug"] for record in demo.records(key)]
    assert slugs, f"the demo archive has no {key}"
    assert len(slugs) == len(set(slugs))
    assert LISTS[key].objects.filter(slug__in=slugs).count() == len(slugs)
    assert demo.counts[key] == len(slugs)


def test_the_demo_has_the_seventeen_righteous_files_naming_twenty_eight_people(demo):
    """Section 1 of the fact sheet: 17 files, 28 rescuers, each named as listed."""
    recognitions = demo_records(demo, m.Recognition)
    assert recognitions.count() == 17
    rescuers = m.Rescuer.objects.filter(recognition__in=recognitions)
    assert rescuers.count() == 28
    assert rescuers.values("person").distinct().count() == 28
    assert not rescuers.filter(name_as_listed="").exists()


@pytest.mark.parametrize(
    "model", list(LISTS.values()), ids=lambda model: model.__name__
)
def test_every_published_demo_record_passes_the_publication_rules(demo, model):
    """Nothing is published that a curator could not have published."""
    published = demo_records(demo, model).filter(status=m.Status.PUBLISHED)
    assert published.exists()
    for record in published:
        assert record.publication_problems() == [], record.slug


@pytest.mark.parametrize("model", MUST_CITE, ids=lambda model: model.__name__)
def test_every_published_person_recognition_event_testimony_and_figure_cites_a_source(
    demo, model
):
    """Every statement rests on a source the archive itself records."""
    content_type = ContentType.objects.get_for_model(model)
    cited = set(
        m.Citation.objects.filter(content_type=content_type).values_list(
            "object_id", flat=True
        )
    )
    for record in demo_records(demo, model).filter(status=m.Status.PUBLISHED):
        assert record.pk in cited, record.slug


def test_every_cited_source_is_a_published_demo_source(demo):
    """A citation never points at a source the public cannot look up."""
    slugs = {record["slug"] for record in demo.records("sources")}
    cited = m.Source.objects.filter(citations_made__isnull=False).distinct()
    assert cited.exists()
    for source in cited:
        assert source.slug in slugs
        assert source.status == m.Status.PUBLISHED


def test_every_demo_image_has_alt_text_rights_and_credit_in_each_language_it_claims(
    demo,
):
    """Attribution travels with every image, in every language it is offered in."""
    images = demo_records(demo, m.Image)
    assert images.count() >= 4
    for image in images:
        languages = image.claimed_languages()
        assert languages == LANGUAGES, image.slug  # the demo offers all four
        for code in languages:
            assert getattr(image, f"alt_text_{code}"), (image.slug, code)
            assert getattr(image, f"credit_line_{code}"), (image.slug, code)
        assert image.rights_uri == m.Rights.CC0
        assert image.creator == "Memorial archive (generated)"
        assert image.permission_status == m.Permission.NOT_NEEDED


def test_demo_image_files_are_stored_byte_exact_with_their_checksum(demo):
    """The originals are the fixture's files, hashed and measured at ingest."""
    for record in demo.records("images"):
        image = m.Image.objects.get(slug=record["slug"])
        data = (demo.folder / record["file"]).read_bytes()
        stored = demo.media_root / "private" / image.file.name
        assert stored.read_bytes() == data
        assert image.sha256 == hashlib.sha256(data).hexdigest()
        assert image.file_size == len(data)
        assert image.width and image.height


def test_demo_images_stay_well_under_one_megabyte_in_all(demo):
    total = sum(
        (demo.folder / record["file"]).stat().st_size
        for record in demo.records("images")
    )
    assert total < 500_000


def test_people_without_a_sourced_death_stay_unpublished(demo):
    """The living-person rule: no death in a source, no consent, no publication."""
    people = demo_records(demo, m.Person)
    for person in people:
        if person.presumed_living:
            assert person.status != m.Status.PUBLISHED, person.slug
    public = people.model.objects.public().filter(pk__in=people)
    assert public.exists()
    assert not public.filter(is_living=m.Living.UNKNOWN, death_edtf="").exists()


def test_deceased_people_have_a_recorded_death_or_a_posthumous_recognition(demo):
    """'Deceased' is never a guess: a source gives the death (its date or place, or a
    birth so long ago that the rule presumes it) or the posthumous title."""
    for person in demo_records(demo, m.Person).filter(is_living=m.Living.NO):
        posthumous = m.Rescuer.objects.filter(person=person, posthumous=True)
        presumed = person.birth_latest and person.birth_latest < presumed_dead_cutoff()
        assert (
            person.death_edtf
            or person.death_place_id
            or presumed
            or posthumous.exists()
        ), person.slug


def test_disputed_dates_are_edtf_sets_citing_each_source_with_what_it_says(demo):
    """Where sources disagree on a date, every value is kept and attributed."""
    disputed = 0
    for model in (m.Recognition, m.Event, m.Organisation):
        for record in demo_records(demo, model).filter(date_edtf__startswith="["):
            disputed += 1
            notes = [c.note for c in cited_field(record, "date_edtf")]
            assert len(notes) >= 2 and all(notes), record.slug
    assert disputed >= 4
    andre = m.Recognition.objects.get(slug="joseph-andre")
    assert andre.date_edtf == "[1967,1968]"
    van_den_berg = m.Recognition.objects.get(slug="max-albert-van-den-berg")
    assert van_den_berg.date_edtf == "[1995,1998]"


def test_disagreeing_figures_are_kept_one_per_source_under_one_measure(demo):
    """Figures are never merged: each source's value stands beside the others."""
    deported = demo_records(demo, m.Figure).filter(measure="mechelen-deported-jews")
    values = sorted(int(figure.value) for figure in deported)
    assert values == [24916, 25257, 25484, 25496, 25631]
    survivors = demo_records(demo, m.Figure).filter(
        measure="mechelen-deportee-survivors"
    )
    assert {int(f.value) for f in survivors} == {1205, 1207, 1240, 1244, 1252}
    labels = {figure.label_en for figure in deported}
    assert len(labels) == 1  # shown side by side as answers to one question


def test_the_seed_figures_no_other_source_confirms_say_so(demo):
    """25,631 and 1,244 are recorded as the seed states them, flagged in the note."""
    for slug in (
        "mechelen-deported-jews-seed-000",
        "mechelen-deportee-survivors-seed-000",
    ):
        figure = m.Figure.objects.get(slug=slug)
        assert "no other stored source" in figure.note_en
        (citation,) = figure.citations.all()
        assert citation.source.slug == "seed-000-adobe-slate-belgian-resistance"
        assert citation.quotation


def test_quotations_are_short_and_attributed_to_a_source(demo):
    """Quotations stay short and always name the source they come from."""
    quoted = m.Citation.objects.exclude(quotation="")
    assert quoted.count() >= 10
    for citation in quoted:
        assert len(citation.quotation.split()) <= 40, citation.quotation
        assert citation.source_id


def test_testimonies_are_published_works_with_a_quoted_and_cited_passage(demo):
    testimonies = demo_records(demo, m.Testimony)
    assert testimonies.count() >= 5
    for testimony in testimonies:
        assert testimony.consent_basis == m.ConsentBasis.PUBLISHED
        assert testimony.consent_scope == m.ConsentScope.ONLINE
        assert testimony.witness_id is not None
        assert testimony.citations.exists()
    quoted = {t.slug for t in testimonies if t.citations.exclude(quotation="").exists()}
    assert "hubert-celis-testimony" in quoted
    assert "helene-beer-27th-transport" in quoted


def test_rescued_people_who_may_be_living_are_linked_not_named(demo):
    """A possibly living rescued person is never named on a public recognition."""
    for rescued in m.RescuedPerson.objects.filter(
        recognition__in=demo_records(demo, m.Recognition), person__isnull=False
    ).select_related("person"):
        if rescued.person.presumed_living:
            assert rescued.name_as_listed == "", rescued.person.slug


def test_every_exhibition_item_points_at_a_public_record(demo):
    exhibitions = demo_records(demo, m.Exhibition)
    assert exhibitions.count() == 3
    for exhibition in exhibitions:
        assert exhibition.hero_image and exhibition.hero_image.is_public
        items = m.ExhibitionItem.objects.filter(section__exhibition=exhibition)
        assert items.count() >= 10
        for item in items:
            model = item.content_type.model_class()
            assert model.objects.public().filter(pk=item.object_id).exists(), item


def test_translated_titles_exist_in_french_and_dutch(demo):
    """Titles, summaries and captions are also in French and Dutch (and German)."""
    for model, field in (
        (m.Event, "title"),
        (m.Exhibition, "title"),
        (m.Exhibition, "summary"),
        (m.Image, "caption"),
        (m.Testimony, "summary"),
        (m.Figure, "label"),
        (m.Figure, "unit"),
    ):
        for record in demo_records(demo, model):
            for code in ("fr", "nl", "de"):
                assert getattr(record, f"{field}_{code}"), (record.slug, field, code)


def test_demo_records_are_not_synthetic(demo):
    for model in LISTS.values():
        assert not demo_records(demo, model).filter(is_synthetic=True).exists()


def test_place_coordinates_come_only_with_a_cited_source(demo):
    for place in demo_records(demo, m.Place).filter(latitude__isnull=False):
        assert cited_field(place, "latitude"), place.slug


def test_slugs_are_stable_identifiers(demo):
    """Slugs are written by hand in the fixture, so links survive re-imports."""
    pattern = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    for key in LISTS:
        for record in demo.records(key):
            assert pattern.match(record["slug"]), record["slug"]


def test_a_few_demo_records_are_released_to_exhibition_clients_only(demo):
    """An exhibition key sees more than the public: records marked "exhibition" in
    the fixture are published, hidden from `public()` and visible with a key."""
    exhibition_client = m.ApiClient(tier=m.Tier.EXHIBITION, is_active=True)
    released = 0
    for model in LISTS.values():
        for record in demo_records(demo, model).filter(access=m.Access.EXHIBITION):
            released += 1
            assert record.status == m.Status.PUBLISHED, record.slug
            assert not model.objects.public().filter(pk=record.pk).exists()
            visible = model.objects.visible_to(exhibition_client)
            assert visible.filter(pk=record.pk).exists(), record.slug
    assert released >= 3


def test_every_public_recognition_shows_a_rescuer_and_private_ones_only_by_listed_name(
    demo, client
):
    """Every public recognition page names every one of its rescuers. A rescuer
    whose person stays private (no sourced death) is shown only by the name a
    published page lists (a Yad Vashem file where there is one, with a link to
    that source), never linked, never with the person record's biography or
    address."""
    public_people = set(m.Person.objects.public().values_list("pk", flat=True))
    for recognition in m.Recognition.objects.public():
        body = client.get(recognition.get_absolute_url()).content.decode()
        assert "No rescuer of this file can be shown." not in body, recognition.slug
        for rescuer in recognition.rescuers.select_related("person", "listed_in"):
            if rescuer.person_id in public_people:
                continue
            assert rescuer.name_as_listed, (recognition.slug, rescuer.person.slug)
            assert rescuer.listed_in is not None, (recognition.slug, rescuer.pk)
            # The row itself: the name, then the source that lists it.
            row = f"<li>{rescuer.name_as_listed}"
            assert row in body, (recognition.slug, rescuer.pk)
            assert rescuer.listed_in.get_absolute_url() in body
            assert f"/{rescuer.person.slug}/" not in body
    celis = m.Recognition.objects.get(slug="celis-family")
    body = client.get(celis.get_absolute_url()).content.decode()
    for rescuer in celis.rescuers.select_related("person", "listed_in"):
        assert rescuer.name_as_listed in body
        if not m.Person.objects.public().filter(pk=rescuer.person_id).exists():
            assert rescuer.listed_in.url.startswith("https://yadvashem.org/")
            assert f"/{rescuer.person.slug}/" not in body
            if rescuer.person.biography:
                assert rescuer.person.biography[:40] not in body
