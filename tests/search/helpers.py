"""Small helpers shared by the search tests."""

from __future__ import annotations

from typing import Any

from archive import models as m

PUBLISHED = {"status": m.Status.PUBLISHED}


def found(client: Any, q: str, **params: Any) -> list[tuple[str, str]]:
    """(type, id) of every hit of an API search, best first."""
    response = client.get("/api/v1/search/", {"q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.content[:300]
    return [(hit["type"], hit["id"]) for hit in response.json()["results"]]


def ref(record: Any) -> tuple[str, str]:
    return (record._meta.model_name, str(record.uuid))
