"""The API's presenters: each kind of record loaded in batches and presented from
rows, its shape declared once for the answer and the OpenAPI schema.

- `shapes.py`: what a shape is and what it generates from its members (a presenter
  function, a serializer class for the schema, batch queries); `members.py`: the
  kinds of member (a column, a translated field, a reference, a nested list...);
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

_missing = [kind.name for kind in kinds.KINDS if kind.name not in PRESENTERS]
if _missing:
    raise LookupError(f"Record kinds without a presenter: {_missing}")

#: Everything that loads and presents records by kind, exhibition segments too.
TYPES: dict[str, Any] = {
    **{kind.name: PRESENTERS[kind.name] for kind in kinds.KINDS},
    SEGMENTS.kind: SEGMENTS,
}

# Compiled now, once every kind has registered: a faulty declaration fails at start-up
# and no request pays for the first compilation.
for _presenter in TYPES.values():
    _presenter.prepare()

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
