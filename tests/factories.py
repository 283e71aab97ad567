"""Small factory helpers for tests: one valid record per call, overridable by kwargs."""

from __future__ import annotations

import io
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from archive import models as m

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_user(group: str | None = None, **kwargs: Any):
    """A staff user, in one of the curator groups when `group` is given."""
    n = _n()
    user = get_user_model().objects.create_user(
        username=kwargs.pop("username", f"curator{n}"),
        password=kwargs.pop("password", "a-long-test-password"),
        is_staff=kwargs.pop("is_staff", True),
        **kwargs,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_source(**kwargs: Any) -> m.Source:
    n = _n()
    defaults = {
        "title": f"Test source {n}",
        "kind": m.SourceKind.WEBPAGE,
        "url": f"https://example.org/source-{n}",
        "status": m.Status.PUBLISHED,
    }
    return m.Source.objects.create(**{**defaults, **kwargs})


def cite(record: Any, source: m.Source | None = None, **kwargs: Any) -> m.Citation:
    return m.Citation.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        source=source or make_source(),
        **kwargs,
    )


def make_place(**kwargs: Any) -> m.Place:
    defaults = {"name": f"Place {_n()}", "kind": m.PlaceKind.CITY}
    return m.Place.objects.create(**{**defaults, **kwargs})


def make_person(**kwargs: Any) -> m.Person:
    defaults = {
        "family_name": f"Family{_n()}",
        "given_names": "Test",
        "is_living": m.Living.NO,
        "death_edtf": "1980",
    }
    return m.Person.objects.create(**{**defaults, **kwargs})


def make_organisation(**kwargs: Any) -> m.Organisation:
    defaults = {"name": f"Organisation {_n()}", "kind": m.OrganisationKind.RESISTANCE}
    return m.Organisation.objects.create(**{**defaults, **kwargs})


def make_event(**kwargs: Any) -> m.Event:
    defaults = {
        "title": f"Event {_n()}",
        "kind": m.EventKind.OTHER,
        "date_edtf": "1943",
    }
    return m.Event.objects.create(**{**defaults, **kwargs})


def make_recognition(rescuers: int = 1, **kwargs: Any) -> m.Recognition:
    defaults = {"title": f"Recognition {_n()}", "date_edtf": "1965"}
    recognition = m.Recognition.objects.create(**{**defaults, **kwargs})
    for position in range(rescuers):
        m.Rescuer.objects.create(
            recognition=recognition, person=make_person(), position=position
        )
    return recognition


def make_testimony(**kwargs: Any) -> m.Testimony:
    defaults = {
        "title": f"Testimony {_n()}",
        "kind": m.TestimonyKind.WRITTEN,
        "consent_scope": m.ConsentScope.ONLINE,
    }
    return m.Testimony.objects.create(**{**defaults, **kwargs})


def make_figure(**kwargs: Any) -> m.Figure:
    n = _n()
    defaults = {
        "label": f"Figure {n}",
        "measure": f"measure-{n}",
        "value": 100,
        "unit": "people",
        "date_edtf": "1944",
    }
    return m.Figure.objects.create(**{**defaults, **kwargs})


def jpeg_bytes(width: int = 64, height: int = 48, color=(120, 60, 30), **save) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def make_image(**kwargs: Any) -> m.Image:
    n = _n()
    defaults = {
        "title": f"Image {n}",
        "alt_text": "A plain brown rectangle used in tests.",
        "credit_line": f'"Image {n}", test fixture, CC0 1.0',
        "rights_uri": m.Rights.CC0,
    }
    image = m.Image(**{**defaults, **kwargs})
    if image.file:
        image.save()
    else:
        # The real ingest path: validated, hashed, stored under a generated name.
        from archive.media import ingest_image

        ingest_image(
            image=image, upload=ContentFile(jpeg_bytes()), filename=f"test-{n}.jpg"
        )
    return image


def make_exhibition(items: list[Any] | None = None, **kwargs: Any) -> m.Exhibition:
    defaults = {"title": f"Exhibition {_n()}"}
    exhibition = m.Exhibition.objects.create(**{**defaults, **kwargs})
    section = m.ExhibitionSection.objects.create(exhibition=exhibition, title="Section")
    for position, record in enumerate(items or []):
        m.ExhibitionItem.objects.create(
            section=section,
            position=position,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        )
    return exhibition


def published(record: Any, **kwargs: Any) -> Any:
    """Mark a record published (bypassing the workflow) with optional overrides."""
    for key, value in {"status": m.Status.PUBLISHED, **kwargs}.items():
        setattr(record, key, value)
    record.save()
    return record
