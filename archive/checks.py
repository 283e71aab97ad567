"""System checks for the archive's configuration invariants."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def private_storage_has_no_public_url(app_configs, **kwargs):
    """Originals must never be reachable by a public URL."""
    errors = []
    private = settings.STORAGES.get("private")
    if private is None:
        errors.append(
            Error("STORAGES has no 'private' entry for originals.", id="archive.E001")
        )
    elif private["BACKEND"].endswith("FileSystemStorage") and private.get(
        "OPTIONS", {}
    ).get("base_url"):
        errors.append(
            Error(
                "The private storage has a base_url, so originals would have public URLs.",
                id="archive.E002",
            )
        )
    return errors


@register()
def languages_match_translations(app_configs, **kwargs):
    codes = [code for code, _name in settings.LANGUAGES]
    if settings.MODELTRANSLATION_DEFAULT_LANGUAGE not in codes:
        return [
            Error(
                "MODELTRANSLATION_DEFAULT_LANGUAGE is not in LANGUAGES.",
                id="archive.E003",
            )
        ]
    return []
