"""The two storages: public (renditions of public images) and private (originals).

Fields name these callables rather than a storage instance so that migrations stay
independent of the configured backend (local folders or S3, see settings.STORAGES).
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """Originals and source files: never reachable by a public URL."""
    return storages["private"]


def public_storage() -> Storage:
    """Renditions of public images: served directly (or by a CDN)."""
    return storages["default"]
