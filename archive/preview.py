"""Signed, expiring links that let staff see a draft as the public would."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse

SALT = "archive.preview"


def preview_url(record: models.Model) -> str:
    token = signing.dumps(
        [record._meta.label_lower, record.pk], salt=SALT, compress=True
    )
    return reverse("archive:preview", kwargs={"token": token})


def read_preview_token(token: str) -> tuple[type[models.Model], int]:
    """Decode a preview token; raises signing.BadSignature (or SignatureExpired)."""
    label, pk = signing.loads(
        token, salt=SALT, max_age=settings.ARCHIVE_PREVIEW_MAX_AGE
    )
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise signing.BadSignature("unknown model") from error
    if not isinstance(pk, int):
        raise signing.BadSignature("bad primary key")
    return model, pk
