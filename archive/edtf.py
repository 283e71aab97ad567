"""Uncertain dates in the Extended Date/Time Format (EDTF, ISO 8601-2).

Only the `edtf` library's parser is used: its model field pickles values, which we do
not want in the database. Dates are stored as the curator wrote them and bounded here.
"""

from __future__ import annotations

import datetime
import functools
import re
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


#: A plain year, year-month or day: bounded directly, without the EDTF grammar.
_PLAIN_DATE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>0[1-9]|[12]\d|3[01]))?)?$"
)


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
    return _cached_bounds(value)


@functools.lru_cache(maxsize=4096)
def _cached_bounds(value: str) -> tuple[datetime.date | None, datetime.date | None]:
    """Bounds of one EDTF string, remembered: the grammar takes milliseconds a parse,
    which an import or a generator of thousands of records would pay again and again.
    Errors are not cached (lru_cache does not keep exceptions)."""
    plain = _PLAIN_DATE.match(value)
    lower, upper = _plain_bounds(**plain.groupdict()) if plain else (None, None)
    if lower is None and upper is None:
        lower, upper = _parsed_bounds(value)  # anything else, and impossible days
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


def _plain_bounds(
    year: str, month: str | None, day: str | None
) -> tuple[datetime.date | None, datetime.date | None]:
    """Bounds of YYYY, YYYY-MM or YYYY-MM-DD, as the EDTF parser would give them."""
    y = int(year)
    try:
        if day:
            exact = datetime.date(y, int(month), int(day))
            return exact, exact
        if month:
            first = datetime.date(y, int(month), 1)
            following = datetime.date(y + int(month) // 12, int(month) % 12 + 1, 1)
            return first, following - datetime.timedelta(days=1)
        return datetime.date(y, 1, 1), datetime.date(y, 12, 31)
    except (ValueError, OverflowError):
        return None, None


def _parsed_bounds(value: str) -> tuple[datetime.date | None, datetime.date | None]:
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
    return lower, upper


def validate_edtf(value: str) -> None:
    """Form and model validator: raises ValidationError for a bad EDTF string."""
    edtf_bounds(value)
