"""Model rules: EDTF bounds, constraints, clean() and the publication gates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive import models as m
from archive.edtf import edtf_bounds
from tests import factories as f

pytestmark = pytest.mark.django_db


class TestEdtf:
    @pytest.mark.parametrize(
        ("value", "earliest", "latest"),
        [
            ("1943-04-19", datetime.date(1943, 4, 19), datetime.date(1943, 4, 19)),
            ("1942-08~", datetime.date(1942, 8, 1), datetime.date(1942, 8, 31)),
            ("1942-07/1944-09", datetime.date(1942, 7, 1), datetime.date(1944, 9, 30)),
            ("[1967,1968]", datetime.date(1967, 1, 1), datetime.date(1968, 12, 31)),
            ("1944-09/..", datetime.date(1944, 9, 1), None),
            ("", None, None),
        ],
    )
    def test_bounds_of_valid_dates(self, value, earliest, latest):
        assert edtf_bounds(value) == (earliest, latest)

    @pytest.mark.parametrize(
        "value", ["19 April 1943", "1943-02-30", "1944/1943", "x\x00"]
    )
    def test_unparseable_or_reversed_date_is_a_validation_error(self, value):
        with pytest.raises(ValidationError):
            edtf_bounds(value)

    def test_bad_edtf_is_a_form_error_on_the_date_field(self):
        event = m.Event(title="x", kind=m.EventKind.OTHER, date_edtf="spring 1943")
        with pytest.raises(ValidationError) as error:
            event.full_clean()
        assert "date_edtf" in error.value.message_dict

    def test_derived_bounds_are_saved(self):
        event = f.make_event(date_edtf="1942-08")
        event.refresh_from_db()
        assert (event.date_earliest, event.date_latest) == (
            datetime.date(1942, 8, 1),
            datetime.date(1942, 8, 31),
        )

    def test_database_refuses_earliest_after_latest(self):
        event = f.make_event()
        with pytest.raises(IntegrityError), transaction.atomic():
            m.Event.objects.filter(pk=event.pk).update(
                date_earliest=datetime.date(1944, 1, 1),
                date_latest=datetime.date(1943, 1, 1),
            )


class TestPerson:
    def test_death_before_birth_is_refused_by_clean(self):
        person = m.Person(family_name="X", birth_edtf="1921", death_edtf="1920")
        with pytest.raises(ValidationError) as error:
            person.full_clean()
        assert "death_edtf" in error.value.message_dict

    def test_death_before_birth_is_refused_by_the_database(self):
        person = f.make_person(birth_edtf="1900", death_edtf="1980")
        with pytest.raises(IntegrityError), transaction.atomic():
            m.Person.objects.filter(pk=person.pk).update(
                death_latest=datetime.date(1899, 1, 1)
            )

    def test_nameless_person_is_refused(self):
        with pytest.raises(ValidationError):
            m.Person(family_name="", given_names="").full_clean()

    def test_living_person_cannot_be_published_without_consent(self):
        person = f.make_person(is_living=m.Living.YES, death_edtf="")
        f.cite(person)
        assert any("consent" in problem for problem in person.publication_problems())


class TestRecognition:
    def test_duplicate_yad_vashem_file_number_is_refused(self):
        f.make_recognition(file_number="1361")
        duplicate = m.Recognition(title="Other", file_number="1361")
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "file_number" in error.value.message_dict

    def test_many_recognitions_may_lack_a_file_number(self):
        f.make_recognition(file_number="")
        f.make_recognition(file_number="")
        assert m.Recognition.objects.filter(file_number__isnull=True).count() == 2

    def test_one_rescuer_per_person_per_file(self):
        recognition = f.make_recognition(rescuers=1)
        person = recognition.rescuers.get().person
        with pytest.raises(IntegrityError), transaction.atomic():
            m.Rescuer.objects.create(recognition=recognition, person=person)

    def test_recognition_without_citation_cannot_be_published(self):
        recognition = f.make_recognition()
        assert "at least one citation of a source" in recognition.publication_problems()
        f.cite(recognition)
        assert recognition.publication_problems() == []


class TestSegment:
    def test_segment_ending_before_it_starts_is_refused(self):
        testimony = f.make_testimony()
        segment = m.TestimonySegment(
            testimony=testimony, start_seconds=60, end_seconds=30, title="x"
        )
        with pytest.raises(ValidationError) as error:
            segment.full_clean()
        assert "end_seconds" in error.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            segment.save()


class TestImageGate:
    def test_image_without_alt_text_or_rights_lists_what_is_missing(self):
        image = f.make_image(alt_text="", rights_uri="", title_fr="Carte")
        problems = image.publication_problems()
        assert "alt text (en, fr)" in problems
        assert "rights statement" in problems

    def test_in_copyright_image_needs_permission(self):
        image = f.make_image(rights_uri=m.Rights.INC)
        assert any("permission" in problem for problem in image.publication_problems())
        image.permission_status = m.Permission.GRANTED
        assert image.publication_problems() == []


def test_every_record_type_requiring_citation_names_it():
    for maker in (f.make_event, f.make_testimony, f.make_figure, f.make_person):
        record = maker()
        assert "at least one citation of a source" in record.publication_problems()


def test_figure_range_must_not_be_reversed():
    figure = m.Figure(label="x", measure="x", value=140, value_high=86, unit="people")
    with pytest.raises(ValidationError):
        figure.full_clean()


def test_slug_is_made_unique_from_the_title():
    first = f.make_event(title="Liberation of Brussels")
    second = f.make_event(title="Liberation of Brussels")
    assert first.slug == "liberation-of-brussels"
    assert second.slug == "liberation-of-brussels-2"
