"""The API's presenters: each kind of record loaded in batches and presented from
rows, its shape declared once for the answer and the OpenAPI schema.

- `shapes.py`: how a shape is declared (members) and what it generates (a presenter
  function, a serializer class for the schema, batch queries);
- `base.py`: what every record has, and the registry of presenters by kind;
- `refs.py`, `values.py`, `common.py`: references, row values, shared shapes;
- one module per domain (people, places...), each registering its presenter.
"""

from __future__ import annotations

from typing import Any

from archive import kinds
from archive.api.presenters import (  # noqa: F401  (each registers its presenter)
    events,
    exhibitions,
    figures,
    images,
    organisations,
    people,
    places,
    righteous,
    sources,
    testimonies,
)
from archive.api.presenters.base import PRESENTERS, RecordPresenter, load_refs
from archive.api.presenters.exhibitions import SEGMENTS
from archive.api.presenters.members import Ref
from archive.api.presenters.refs import MODELS, REF_COLUMNS, make_ref, ref_columns
from archive.api.presenters.shapes import Shape

missing = [kind.name for kind in kinds.KINDS if kind.name not in PRESENTERS]
if missing:
    raise LookupError(f"Record kinds without a presenter: {missing}")

#: Everything that loads and presents records by kind, exhibition segments too.
TYPES: dict[str, Any] = {
    **{kind.name: PRESENTERS[kind.name] for kind in kinds.KINDS},
    SEGMENTS.kind: SEGMENTS,
}

__all__ = [
    "MODELS",
    "PRESENTERS",
    "REF_COLUMNS",
    "TYPES",
    "RecordPresenter",
    "Ref",
    "Shape",
    "load_refs",
    "make_ref",
    "ref_columns",
]
