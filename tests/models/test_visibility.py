"""The visibility vocabulary: published(), public() and visible_to(client)."""

import datetime

import pytest
from django.utils import timezone

from archive import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db

MAKERS = {
    m.Recognition: f.make_recognition,
    m.Person: f.make_person,
    m.Testimony: f.make_testimony,
    m.Image: f.make_image,
    m.Source: f.make_source,
    m.Organisation: f.make_organisation,
    m.Place: f.make_place,
    m.Event: f.make_event,
    m.Figure: f.make_figure,
    m.Exhibition: f.make_exhibition,
}

FUTURE = timezone.localdate() + datetime.timedelta(days=30)
NON_PUBLIC_STATES = {
    "draft": {"status": m.Status.DRAFT},
    "review": {"status": m.Status.REVIEW},
    "embargoed": {"status": m.Status.PUBLISHED, "embargo_until": FUTURE},
    "staff-only": {"status": m.Status.PUBLISHED, "access": m.Access.STAFF},
    "exhibition-only": {"status": m.Status.PUBLISHED, "access": m.Access.EXHIBITION},
    "withdrawn": {"status": m.Status.WITHDRAWN},
}


def exhibition_client() -> m.ApiClient:
    client = m.ApiClient(name="kiosk", tier=m.Tier.EXHIBITION)
    client.set_new_key()
    client.save()
    return client


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda model: model.__name__)
@pytest.mark.parametrize("state", list(NON_PUBLIC_STATES))
def test_non_public_record_is_absent_from_public(model, state):
    """Drafts, reviews, embargoes, staff-only, exhibition-only and withdrawn are hidden."""
    record = MAKERS[model](**NON_PUBLIC_STATES[state])
    assert not model.objects.public().filter(pk=record.pk).exists()
    visible = model.objects.visible_to(exhibition_client()).filter(pk=record.pk)
    assert visible.exists() == (state == "exhibition-only")


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda model: model.__name__)
def test_published_public_record_is_public(model):
    record = MAKERS[model](status=m.Status.PUBLISHED)
    assert model.objects.public().filter(pk=record.pk).exists()


def test_past_embargo_no_longer_hides_a_record():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    event = f.make_event(status=m.Status.PUBLISHED, embargo_until=yesterday)
    assert m.Event.objects.public().filter(pk=event.pk).exists()


def test_inactive_or_public_tier_client_sees_only_public():
    record = f.make_event(status=m.Status.PUBLISHED, access=m.Access.EXHIBITION)
    inactive = exhibition_client()
    inactive.is_active = False
    inactive.save()
    public_tier = m.ApiClient(name="web", tier=m.Tier.PUBLIC)
    public_tier.set_new_key()
    public_tier.save()
    for client in (inactive, public_tier, None):
        assert not m.Event.objects.visible_to(client).filter(pk=record.pk).exists()


class TestLivingPersonRule:
    def test_living_person_without_consent_is_not_public(self):
        person = f.make_person(
            status=m.Status.PUBLISHED, is_living=m.Living.YES, death_edtf=""
        )
        assert not m.Person.objects.public().filter(pk=person.pk).exists()

    def test_living_person_with_consent_is_public(self):
        person = f.make_person(
            status=m.Status.PUBLISHED,
            is_living=m.Living.YES,
            death_edtf="",
            consent_to_publish=True,
        )
        assert m.Person.objects.public().filter(pk=person.pk).exists()

    def test_unknown_counts_as_living_without_death_or_old_birth(self):
        person = f.make_person(
            status=m.Status.PUBLISHED,
            is_living=m.Living.UNKNOWN,
            death_edtf="",
            birth_edtf="1950",
        )
        assert not m.Person.objects.public().filter(pk=person.pk).exists()
        assert person.presumed_living

    def test_unknown_with_a_death_date_is_public(self):
        person = f.make_person(
            status=m.Status.PUBLISHED, is_living=m.Living.UNKNOWN, death_edtf="1977"
        )
        assert m.Person.objects.public().filter(pk=person.pk).exists()

    def test_unknown_born_over_110_years_ago_is_public(self):
        person = f.make_person(
            status=m.Status.PUBLISHED,
            is_living=m.Living.UNKNOWN,
            death_edtf="",
            birth_edtf="1900",
        )
        assert m.Person.objects.public().filter(pk=person.pk).exists()


class TestTestimonyConsent:
    def test_withdrawn_consent_hides_testimony_everywhere(self):
        testimony = f.make_testimony(
            status=m.Status.PUBLISHED, consent_withdrawn_on=timezone.localdate()
        )
        assert not m.Testimony.objects.public().filter(pk=testimony.pk).exists()
        visible = m.Testimony.objects.visible_to(exhibition_client())
        assert not visible.filter(pk=testimony.pk).exists()

    def test_exhibition_only_consent_shows_only_to_exhibition_clients(self):
        testimony = f.make_testimony(
            status=m.Status.PUBLISHED, consent_scope=m.ConsentScope.EXHIBITION
        )
        assert not m.Testimony.objects.public().filter(pk=testimony.pk).exists()
        visible = m.Testimony.objects.visible_to(exhibition_client())
        assert visible.filter(pk=testimony.pk).exists()

    def test_research_only_consent_is_never_shown(self):
        testimony = f.make_testimony(
            status=m.Status.PUBLISHED, consent_scope=m.ConsentScope.RESEARCH
        )
        visible = m.Testimony.objects.visible_to(exhibition_client())
        assert not visible.filter(pk=testimony.pk).exists()


def test_originals_are_written_to_the_configured_private_storage(settings):
    """Fields follow settings.STORAGES at call time (needed for per-test storage)."""
    image = f.make_image()
    assert image.file.storage.backend.location.startswith(str(settings.MEDIA_ROOT))
    assert image.file.storage.exists(image.file.name)
