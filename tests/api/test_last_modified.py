"""Last-Modified moves only with changes the requester's audience could see.

Saving a draft, an embargoed or a staff-only record (or a draft's citation) must
leave public answers exactly as they were: body, ETag and Last-Modified, so that
polling a public list does not show when curators are at work. Changes the public
can see move it, so If-Modified-Since never keeps a stale copy.

Last-Modified has one-second resolution: the HTTP tests first set the stamps ten
seconds back, so any move shows. The sweeps read the stamps themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone

from archive import models as m
from archive.api.caching import LINK_KEYS, content_models
from archive.api.exposure import RULES
from archive.kinds import PUBLISHABLE_MODELS
from archive.models.versions import AUDIENCES, EPOCH
from tests import factories as f
from tests.api.builders import (
    EXHIBITION_STATE,
    FUTURE,
    canary_archive,
    full_archive,
    new_token,
)
from tests.api.conftest import new_client

pytestmark = pytest.mark.django_db


def stamps() -> dict[str, datetime.datetime]:
    current = m.ArchiveVersion.current()
    return {key: current.changed_for(key) for key in AUDIENCES}


def set_stamps(moment: datetime.datetime) -> None:
    m.ArchiveVersion.objects.update(
        changed_at=moment, **{f"{key}_changed_at": moment for key in AUDIENCES}
    )


def seen_by(change: Callable[[], Any]) -> set[str]:
    """The audiences whose stamp `change` moves."""
    m.ArchiveVersion.bump()  # the row exists
    set_stamps(EPOCH)
    change()
    return {key for key, moment in stamps().items() if moment != EPOCH}


# Over HTTP -------------------------------------------------------------------------


@pytest.fixture
def archive() -> dict[str, Any]:
    """A public event and recognition, and hidden records beside them."""
    public = f.make_event(status=m.Status.PUBLISHED, title_en="Strike")
    recognition = f.make_recognition(status=m.Status.PUBLISHED)
    f.cite(recognition)
    draft = f.make_recognition(status=m.Status.DRAFT, title_en="Draft")
    return {
        "public": public,
        "place": f.make_place(status=m.Status.PUBLISHED),
        "recognition": recognition,
        "draft": draft,
        "draft_citation": f.cite(draft, f.make_source(), locator="p. 1"),
        "staff_only": f.make_event(
            status=m.Status.PUBLISHED, access=m.Access.STAFF, title_en="Staff"
        ),
        "embargoed": f.make_event(
            status=m.Status.PUBLISHED, embargo_until=FUTURE, title_en="Later"
        ),
        "exhibition_only": f.make_event(
            status=m.Status.PUBLISHED, access=m.Access.EXHIBITION, title_en="Kiosk"
        ),
    }


def urls(archive: dict[str, Any]) -> list[str]:
    return [
        "/api/v1/events/",
        f"/api/v1/events/{archive['public'].uuid}/",
        "/api/v1/recognitions/",
        f"/api/v1/recognitions/{archive['recognition'].uuid}/",
        "/api/v1/changes/",
        "/api/v1/search/?q=strike",
    ]


def validators(client: Client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response["Last-Modified"], response["ETag"]


def edit(record: Any, **changes: Any) -> None:
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()


HIDDEN_CHANGES: dict[str, Callable[[dict], Any]] = {
    "draft record saved": lambda a: edit(a["draft"], title_en="Draft, again"),
    "draft's citation saved": lambda a: edit(a["draft_citation"], locator="p. 2"),
    "draft's citation deleted": lambda a: a["draft_citation"].delete(),
    "draft's citation added": lambda a: f.cite(a["draft"], a["draft_citation"].source),
    "staff-only record saved": lambda a: edit(a["staff_only"], title_en="Staff 2"),
    "embargoed record saved": lambda a: edit(a["embargoed"], title_en="Later 2"),
    "embargoed record deleted": lambda a: a["embargoed"].delete(),
    "exhibition-only record saved": lambda a: edit(
        a["exhibition_only"], title_en="Kiosk 2"
    ),
    "draft made staff-only": lambda a: edit(
        a["draft"], status=m.Status.PUBLISHED, access=m.Access.STAFF
    ),
    "staff-only record linked to a public place": lambda a: a["staff_only"].places.add(
        a["place"]
    ),
}


@pytest.mark.parametrize("change", HIDDEN_CHANGES)
def test_hidden_changes_leave_public_validators_alone(archive, change):
    """Same Last-Modified and ETag on public lists and details, and 304 to a
    conditional request made before the change."""
    set_stamps(timezone.now() - datetime.timedelta(seconds=10))
    client = Client()
    before = {url: validators(client, url) for url in urls(archive)}
    HIDDEN_CHANGES[change](archive)
    for url, (last_modified, etag) in before.items():
        assert validators(client, url) == (last_modified, etag), url
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
        assert again.status_code == 304, url


VISIBLE_CHANGES: dict[str, Callable[[dict], Any]] = {
    "public record edited": lambda a: edit(a["public"], title_en="General strike"),
    "public record withdrawn": lambda a: edit(a["public"], status=m.Status.WITHDRAWN),
    "new record published": lambda a: edit(a["draft"], status=m.Status.PUBLISHED),
    "public record's citation edited": lambda a: edit(
        a["recognition"].citations.get(), locator="p. 99"
    ),
    "public record's citation deleted": lambda a: (
        a["recognition"].citations.all()[0].delete()
    ),
    "embargo lifted": lambda a: edit(a["embargoed"], embargo_until=None),
    "public record deleted": lambda a: a["public"].delete(),
}


@pytest.mark.parametrize("change", VISIBLE_CHANGES)
def test_visible_changes_move_public_last_modified(archive, change):
    """The public list's Last-Modified moves, and a conditional request made before
    the change gets the new answer."""
    set_stamps(timezone.now() - datetime.timedelta(seconds=10))
    client = Client()
    url = "/api/v1/events/" if "citation" not in change else "/api/v1/recognitions/"
    last_modified, _etag = validators(client, url)
    VISIBLE_CHANGES[change](archive)
    assert validators(client, url)[0] != last_modified
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_exhibition_only_changes_move_only_the_exhibition_last_modified(archive):
    set_stamps(timezone.now() - datetime.timedelta(seconds=10))
    _client, key = new_client()
    public, kiosk = Client(), Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    url = "/api/v1/events/"
    public_before, kiosk_before = validators(public, url), validators(kiosk, url)
    edit(archive["exhibition_only"], title_en="Kiosk, renamed")
    assert validators(public, url) == public_before
    assert validators(kiosk, url)[0] != kiosk_before[0]
    assert kiosk.get(url, HTTP_IF_MODIFIED_SINCE=kiosk_before[0]).status_code == 200


def test_public_changes_move_the_exhibition_last_modified_too(archive):
    edit(archive["public"], title_en="Public and shown in kiosks")
    assert seen_by(lambda: edit(archive["public"], title_en="Again")) == {
        "public",
        "exhibition",
    }


def test_withdrawn_record_once_public_counts_when_saved(archive):
    """Its `removed` entry in the changes feed carries its change time."""
    edit(archive["public"], status=m.Status.WITHDRAWN)
    client = Client()
    before = client.get("/api/v1/changes/").json()["results"]
    assert seen_by(lambda: edit(archive["public"], title_en="Gone")) == set(AUDIENCES)
    assert client.get("/api/v1/changes/").json()["results"] != before


# Sweeps over every model ---------------------------------------------------------


def text_fields(row: models.Model) -> list[models.Field]:
    return [
        field
        for field in row._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


def hidden_rows(tokens: set[str]) -> list[models.Model]:
    """Rows of every content model holding one of the canary's tokens (tokens only
    go into what the audience may not see)."""
    found = []
    for model in content_models():
        for row in model._default_manager.all():
            values = [
                str(getattr(row, field.attname) or "") for field in text_fields(row)
            ]
            if any(token in value for value in values for token in tokens):
                found.append(row)
    return found


def test_saving_any_hidden_row_of_the_canary_moves_no_public_stamp():
    """Every record in every hidden state and every row that hangs on one (or is
    closed, not cleared, without consent) is saved: the public stamp never moves,
    and the exhibition stamp only for exhibition-only material."""
    canary = canary_archive()
    everything = set().union(*canary.tokens.values())
    not_for_kiosks = set().union(
        *(tokens for name, tokens in canary.tokens.items() if name != EXHIBITION_STATE)
    )
    rows = hidden_rows(everything)
    assert {type(row) for row in rows} >= {
        m.Citation,
        m.Rescuer,
        m.RescuedPerson,
        m.EventParticipant,
        m.Membership,
        m.NameVariant,
        m.ExhibitionItem,
        m.ExhibitionSection,
        m.TestimonySegment,
        m.Transcript,
        *PUBLISHABLE_MODELS,
    }
    kiosk_hidden = {(type(row), row.pk) for row in hidden_rows(not_for_kiosks)}
    for row in rows:
        seen = seen_by(row.save)
        assert "public" not in seen, row
        if (type(row), row.pk) in kiosk_hidden:
            assert not seen, row


def test_hidden_links_of_public_records_move_no_public_stamp():
    base = full_archive()
    place = f.make_place(status=m.Status.DRAFT)
    person = f.make_person(status=m.Status.PUBLISHED, access=m.Access.STAFF)
    for manager, target in (
        (base.event.places, place),
        (base.image.depicted_people, person),
        (base.segment.people, person),
        (place.events, base.event),  # from the other side
    ):
        assert seen_by(lambda: manager.add(target)) == set()  # noqa: B023
        assert seen_by(lambda: manager.remove(target)) == set()  # noqa: B023
    base.event.places.add(place)
    assert seen_by(place.events.clear) == set()


def test_saving_any_row_of_a_public_archive_moves_the_public_stamp():
    """Every row of every content model, and every link, of an archive where all
    is public: no change the public can see goes unnoticed."""
    full_archive()
    checked = set()
    for model in content_models():
        for row in model._default_manager.all():
            assert seen_by(row.save) == set(AUDIENCES), row
            checked.add(model)
    assert checked == set(content_models())
    for through, (own, far) in LINK_KEYS.items():
        field = next(
            field
            for field in through._meta.get_field(own).related_model._meta.many_to_many
            if field.remote_field.through is through
        )
        for link in through._default_manager.all():
            owner = getattr(link, own)
            target = getattr(link, far)
            manager = getattr(owner, field.name)
            assert seen_by(lambda: manager.remove(target)) == set(AUDIENCES), link  # noqa: B023
            assert seen_by(lambda: manager.add(target)) == set(AUDIENCES), link  # noqa: B023
        assert seen_by(
            lambda: getattr(owner, field.name).clear()  # noqa: B023
        ) == set(AUDIENCES)


def test_every_content_model_and_link_has_a_visibility_rule():
    """A new model must say who can see its rows (unlisted ones count as seen by
    everyone, which is safe but shows every change)."""
    assert set(content_models()) <= set(RULES)
    assert set(LINK_KEYS) <= set(RULES)


def test_term_changes_count_for_everyone():
    term = m.Term.objects.create(vocabulary=m.Vocabulary.ROLE, slug=new_token())
    assert seen_by(lambda: edit(term, label_en="Courier")) == set(AUDIENCES)
