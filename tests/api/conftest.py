"""Fixtures for API tests: a client, exhibition keys, and clean caches per test."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from archive import models as m


@pytest.fixture(autouse=True)
def _fresh_caches(settings):
    """Every test starts with empty caches: the response cache is keyed by the
    archive version, which a rolled-back test transaction resets."""
    settings.API_THROTTLE_ANON = ""
    settings.API_THROTTLE_CLIENT = ""
    for alias in ("default", "api"):
        caches[alias].clear()
    yield
    for alias in ("default", "api"):
        caches[alias].clear()


@pytest.fixture
def api():
    return APIClient()


def new_client(tier: str = m.Tier.EXHIBITION, active: bool = True) -> tuple:
    client = m.ApiClient(name=f"kiosk {tier}", tier=tier, is_active=active)
    key = client.set_new_key()
    client.save()
    return client, key


@pytest.fixture
def exhibition_key(db) -> str:
    return new_client()[1]


@pytest.fixture
def keyed_api(exhibition_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {exhibition_key}")
    return client
