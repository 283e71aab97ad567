"""Session-wide test set-up: media files go to a throw-away folder, and passwords
are hashed with a fast hasher."""

import shutil
from pathlib import Path

import pytest
from django.test import override_settings

#: Django's own advice for test speed ("Speeding up the tests"): the production
#: hasher (PBKDF2, a million rounds) takes 0.3 s of CPU a password, and the suite
#: makes a few hundred users (the permission matrix alone 136). No test is about
#: the hasher; instances started in a subprocess (backup, load test, worker) keep
#: the production setting.
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=TEST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path: Path):
    """Each test writes media into its own folder, so no test sees another's files."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.PUBLIC_MEDIA_ROOT = root / "public"
    settings.PRIVATE_MEDIA_ROOT = root / "private"
    storages = dict(settings.STORAGES)
    if storages["default"]["BACKEND"].endswith("FileSystemStorage"):
        storages["default"] = {
            **storages["default"],
            "OPTIONS": {"location": str(root / "public"), "base_url": "/media/"},
        }
        storages["private"] = {
            **storages["private"],
            "OPTIONS": {"location": str(root / "private"), "base_url": None},
        }
        settings.STORAGES = storages
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _empty_response_cache():
    """Every test starts with an empty response cache: cached answers and the
    home page's content are keyed by the archive version, which a rolled-back test
    transaction resets, so one test's content could otherwise answer another's."""
    from django.core.cache import caches

    caches["api"].clear()
    yield


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the default language: the test client's requests go
    through LocaleMiddleware, which leaves the last page's language active in the
    thread, so a French page in one test would otherwise make the next test's
    messages and default-language reads French."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _unanalysed_search(monkeypatch):
    """Searches read their matches as on a database never analysed (from the index,
    with the whole query), whatever ANALYZE statistics autovacuum gathered meanwhile:
    the statistics are read once in a while, so a test counting statements or
    reading a plan would otherwise depend on the tests before it. The other ways
    are tested, against this one, in tests/search/test_plans.py."""
    monkeypatch.setattr("archive.search.estimates.lexemes", lambda column: None)
