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


#: The oldest SQLite whose SQL the search statements use (`AS MATERIALIZED`,
#: 3.35); Django itself accepts older ones.
SQLITE_MINIMUM = (3, 35, 0)


@register()
def sqlite_is_recent_enough(app_configs, **kwargs):
    """Search would answer every query with a syntax error on an older SQLite
    (Debian 11 ships 3.34): say so at startup instead."""
    import sqlite3

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return []
    if sqlite3.sqlite_version_info >= SQLITE_MINIMUM:
        return []
    return [
        Error(
            f"SQLite {sqlite3.sqlite_version} is too old for search.",
            hint="Use SQLite 3.35 or newer (Python built against it), or PostgreSQL.",
            id="archive.E004",
        )
    ]


def _where(config: dict) -> tuple:
    options = config.get("OPTIONS", {})
    return (
        config.get("BACKEND"),
        options.get("bucket_name"),
        str(options.get("location", "")).strip("/"),
    )


@register(Tags.security, deploy=True)
def media_storages_keep_originals_private(app_configs, **kwargs):
    """Originals and drafts' renditions must never share a place with public files."""
    public = settings.STORAGES.get("default")
    private = settings.STORAGES.get("private")
    if not public or not private:
        return []
    errors = []
    if _where(public) == _where(private):
        errors.append(
            Error(
                "The public ('default') and 'private' storages are the same place, "
                "so originals would be served with the public renditions.",
                hint="Give them different locations (see memorial/settings.py).",
                id="archive.E101",
            )
        )
    if private["BACKEND"].endswith("S3Storage"):
        options = private.get("OPTIONS", {})
        if options.get("default_acl") in ("public-read", "public-read-write"):
            errors.append(
                Error(
                    "The private S3 storage gives new objects a public ACL.",
                    hint="Set its default_acl to 'private'.",
                    id="archive.E102",
                )
            )
        if options.get("custom_domain"):
            errors.append(
                Error(
                    "The private S3 storage has a custom_domain, which makes "
                    "unsigned public URLs for originals.",
                    id="archive.E103",
                )
            )
        if options.get("file_overwrite", True):
            errors.append(
                Error(
                    "The private S3 storage may overwrite existing files; originals "
                    "are evidence and must never be replaced in place.",
                    hint="Set file_overwrite to False.",
                    id="archive.E104",
                )
            )
    return errors
