"""The demo archive, loaded once for this package's tests and rolled back after
them (loading it takes 30 to 50 s; it was loaded once per module). The loader's
own tests, which load it into an empty database, are in `tests/demo_loading`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from archive.demo import default_path, load_demo_archive


@dataclass
class LoadedDemo:
    counts: dict[str, int]
    media_root: Path
    folder: Path

    def records(self, key: str) -> list[dict]:
        """The fixture's records of one list, as written in the JSON files."""
        found: list[dict] = []
        for file in sorted(self.folder.glob("*.json")):
            found.extend(json.loads(file.read_text(encoding="utf-8")).get(key, []))
        return found


def isolated_storages(root: Path) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "public"), "base_url": "/media/"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "private"), "base_url": None},
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> LoadedDemo:
    """Load the demo archive once for the package, inside a transaction rolled back
    at the end, with its files in a throw-away folder.

    Tests that read it are ordinary `django_db` tests: their own transaction nests
    inside this one, so they see the data and undo only their own changes.
    """
    root = tmp_path_factory.mktemp("demo-media")
    settings = override_settings(
        MEDIA_ROOT=root,
        PUBLIC_MEDIA_ROOT=root / "public",
        PRIVATE_MEDIA_ROOT=root / "private",
        STORAGES=isolated_storages(root),
    )
    with settings, django_db_blocker.unblock(), transaction.atomic():
        counts = load_demo_archive()
        yield LoadedDemo(counts=counts, media_root=root, folder=default_path())
        transaction.set_rollback(True)
