"""What must survive a backup and restore, as one comparable JSON document.

Used in-process (the test's own database) and by `python -m tests.ops.fingerprint`
in a subprocess pointed at another database (the restored instance).
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any


def _history(model: Any) -> list[dict[str, Any]]:
    rows = model._default_manager.order_by("history_id").values()
    return [
        {key: (str(value) if value is not None else None) for key, value in row.items()}
        for row in rows
    ]


def fingerprint() -> dict[str, Any]:
    """Counts per model, the API answer for every public record, every history
    row, and for each file whether storage still holds the bytes its record names."""
    from django.test import Client

    from archive import models as m
    from archive.backup import backed_up_models
    from archive.fixity import sha256_of
    from archive.kinds import KINDS
    from archive.storage import private_storage

    counts = {
        model._meta.label: model._default_manager.count()
        for model in backed_up_models()
    }
    client = Client()
    api: dict[str, Any] = {}
    for kind in KINDS:
        for uuid in kind.model.objects.public().values_list("uuid", flat=True):
            response = client.get(f"/api/v1/{kind.plural}/{uuid}/")
            api[f"{kind.plural}/{uuid}"] = [response.status_code, response.json()]
    search = client.get("/api/v1/search/", {"q": "Mechelen"}).json()
    # A rank is the engine's own score (bm25 on SQLite, ts_rank_cd on PostgreSQL):
    # the hits and their order must match across engines, not the scores.
    for result in search.get("results", []):
        result.pop("rank", None)
    api["search"] = search
    history = {
        model._meta.label: _history(model)
        for model in backed_up_models()
        if model.__name__.startswith("Historical")
    }
    files = {}
    for image in m.Image.objects.exclude(file=""):
        files[image.file.name] = sha256_of(private_storage, image.file.name) == (
            image.sha256
        )
    for source in m.Source.objects.exclude(file=""):
        files[source.file.name] = (
            sha256_of(private_storage, source.file.name) == source.file_sha256
        )
    for rendition in m.Rendition.objects.all():
        with rendition.file.open("rb") as handle:
            files[rendition.file.name] = hashlib.sha256(handle.read()).hexdigest()
    return {"counts": counts, "api": api, "history": history, "files": files}


if __name__ == "__main__":
    import django

    django.setup()
    json.dump(fingerprint(), sys.stdout, sort_keys=True, default=str)
