"""Uncertain dates in the Extended Date/Time Format (EDTF, ISO 8601-2).

Only the `edtf` library's parser is used: its model field pickles values, which we do
not want in the database. Dates are stored as the curator wrote them and bounded here.
"""

from __future__ import annotations

import datetime
import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Years outside this window are almost certainly typing mistakes in this archive.
EARLIEST_YEAR = 1000
LATEST_YEAR = 2200


def _struct_to_date(value: time.struct_time | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)
    except (ValueError, OverflowError):
        return None


def edtf_bounds(value: str) -> tuple[datetime.date | None, datetime.date | None]:
    """Return the earliest and latest day an EDTF string can mean.

    An empty string has no bounds. An open end (`1944-09/..`) leaves that bound empty.
    Raises ValidationError with a message a curator can act on when the string is not
    EDTF, names an impossible day, or ends before it starts.
    """
    value = (value or "").strip()
    if not value:
        return None, None
    if "\x00" in value:
        raise ValidationError(_("The date contains a NUL character."), code="edtf")

    from edtf import parse_edtf  # local import: the parser builds a grammar on import

    try:
        parsed = parse_edtf(value)
    except Exception as error:  # the library raises several unrelated types
        raise ValidationError(
            _(
                "'%(value)s' is not a date in EDTF. Write for example 1943-04-19, "
                "1942-08, 1942-08~ (about), 1942? (uncertain) or 1942-07/1944-09."
            )
            % {"value": value},
            code="edtf",
        ) from error
    try:
        lower = _struct_to_date(parsed.lower_strict())
    except Exception:
        lower = None
    try:
        upper = _struct_to_date(parsed.upper_strict())
    except Exception:
        upper = None
    if lower is None and upper is None:
        raise ValidationError(
            _("'%(value)s' does not name a day that exists.") % {"value": value},
            code="edtf",
        )
    for bound in (lower, upper):
        if bound is not None and not EARLIEST_YEAR <= bound.year <= LATEST_YEAR:
            raise ValidationError(
                _("The year %(year)s is outside %(low)s-%(high)s; check for a typo.")
                % {"year": bound.year, "low": EARLIEST_YEAR, "high": LATEST_YEAR},
                code="edtf",
            )
    if lower is not None and upper is not None and lower > upper:
        raise ValidationError(
            _("'%(value)s' ends (%(upper)s) before it starts (%(lower)s).")
            % {"value": value, "upper": upper, "lower": lower},
            code="edtf_order",
        )
    return lower, upper


def validate_edtf(value: str) -> None:
    """Form and model validator: raises ValidationError for a bad EDTF string."""
    edtf_bounds(value)
