"""The committed TypeScript types (clients/typescript/src/api.d.ts) are generated
from the current OpenAPI schema: every path and every component is in them.
Regenerate with `npm run schema && npm run generate` in clients/typescript."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TYPES = Path(settings.BASE_DIR) / "clients" / "typescript" / "src" / "api.d.ts"


def test_the_typescript_types_cover_the_schema(client):
    schema = client.get("/api/v1/schema/").json()
    types = TYPES.read_text()
    missing_paths = [path for path in schema["paths"] if f'"{path}": {{' not in types]
    missing_schemas = [
        name
        for name in schema["components"]["schemas"]
        if f"        {name}: " not in types and f'        "{name}": ' not in types
    ]
    assert missing_paths == [] and missing_schemas == [], (
        "clients/typescript/src/api.d.ts is stale: run `npm run schema && "
        "npm run generate` in clients/typescript"
    )
    assert "Language-Fallbacks" in types
