"""Search tests reuse the API's client fixtures (fresh caches, exhibition keys)."""

from __future__ import annotations

from tests.api.conftest import _fresh_caches, api, exhibition_key, keyed_api

__all__ = ["_fresh_caches", "api", "exhibition_key", "keyed_api"]
