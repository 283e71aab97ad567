"""Opaque cursors: one format for every paginated answer (lists, search, changes).

A cursor is `[version, kind, payload]` as compact JSON in unpadded base64url, so it
only holds the characters `A-Za-z0-9_-` and is never shorter than `MIN_LENGTH`.
The kind ("list", "search", "changes") keeps a cursor of one answer from being read
by another; the version lets a later format refuse today's cursors cleanly.

Decoding is strict: a cursor is valid only if it is exactly what `encode` makes of
its payload (no padding, no stray characters or whitespace, UTF-8 without lone
surrogates, no NaN) and holds no NUL character (which PostgreSQL refuses in a
query), and every failure is the same 400. What a payload must hold is
for its caller to check; `invalid()` gives them the same error.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from django.utils.translation import gettext as _

from archive.api.problems import InvalidParameter

#: Bumped when the format changes; cursors of another version are refused.
VERSION = 1
#: The kinds of paginated answer.
KINDS = ("list", "search", "changes")
#: Longer strings are refused before any decoding (the schema's `maxLength`).
MAX_LENGTH = 1000
#: Every cursor is at least this long (`[1,"list",0]` alone is 16 characters).
MIN_LENGTH = 8

_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


def invalid() -> InvalidParameter:
    """The 400 for a cursor that cannot be used."""
    return InvalidParameter({"cursor": [_("This cursor is not valid.")]})


def encode(kind: str, payload: Any) -> str:
    """The cursor carrying `payload` (JSON types only) for answers of `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown cursor kind {kind!r}")
    raw = json.dumps(
        [VERSION, kind, payload],
        separators=(",", ":"),
        # UTF-8 rather than \\u escapes: a title in Hebrew or Polish then takes two
        # bytes a letter instead of six, and stays well within MAX_LENGTH.
        ensure_ascii=False,
        allow_nan=False,
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode(cursor: str, kind: str) -> Any:
    """The payload of a cursor `encode(kind, payload)` made, or the 400."""
    if not MIN_LENGTH <= len(cursor) <= MAX_LENGTH or not _ALPHABET.fullmatch(cursor):
        raise invalid()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        _version, _kind, payload = json.loads(
            raw.decode(), parse_constant=_refuse_constant
        )
        # Exactly what encode() makes: this also refuses another version or kind,
        # padding bits, whitespace, escapes and key orders encode() never writes.
        exact = encode(kind, payload) == cursor
    except (binascii.Error, ValueError, TypeError) as error:
        # ValueError covers bad JSON, bad UTF-8 (UnicodeDecodeError), lone
        # surrogates (UnicodeEncodeError) and a list of the wrong length.
        raise invalid() from error
    if not exact or _has_nul(payload):
        raise invalid()
    return payload


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False
