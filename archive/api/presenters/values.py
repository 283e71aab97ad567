"""Row values as JSON: the small conversions every presenter applies.

On SQLite, prepared queries skip Django's converters (see `prepared.py`): dates and
moments arrive as text and naive (they are UTC), UUIDs as 32 hex digits. These turn
either form into the text the API answers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any


def text(value: str | None) -> str | None:
    """Optional text: empty is null, so clients test one thing."""
    return value or None


def iso(value: datetime.date | datetime.datetime | str | None) -> str | None:
    """ISO 8601 text of a date or a moment."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) > 10:
            return value.replace(" ", "T", 1) + "+00:00"
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.isoformat() + "+00:00"  # SQLite keeps moments in UTC
    return value.isoformat()


def as_date(value: datetime.date | str | None) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def uuid_text(value: Any) -> str:
    """A UUID as text with dashes (SQLite keeps 32 hex digits without them)."""
    if isinstance(value, str):
        if len(value) == 32:
            return (
                f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
            )
        return value
    return str(value)


def number(value: Decimal | float | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return float(value)
