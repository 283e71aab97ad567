"""EDTF dates in words, in the page's language: "19 avril 1943", "vers août 1942",
"1942 ou 1943", "de juillet 1942 à septembre 1944".

The archive stores the curator's EDTF string (`archive/edtf.py` bounds it); visitors
read words. Month names and day order come from Django's locale formats, the
qualifiers from the message catalogues. A form this module does not know is shown
as written rather than guessed at.
"""

from __future__ import annotations

import datetime
import re

from django.utils import formats
from django.utils.translation import gettext as _

_DATE = re.compile(
    r"^(?P<year>\d{4}|\d{3}X|\d{2}XX)(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?"
    r"(?P<qualifier>[~?%]?)$"
)


def _one(value: str) -> str | None:
    """One EDTF date (no interval or set) in words, or None if not understood."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day, qualifier = match.group("year", "month", "day", "qualifier")
    if "X" in year:
        decade = year.replace("X", "0")
        text = (
            _("the %(decade)ss") % {"decade": decade}
            if year.endswith("X") and not year.endswith("XX")
            else _("the %(century)ss") % {"century": decade}
        )
    else:
        try:
            if month and month != "XX" and day and day != "XX":
                text = formats.date_format(
                    datetime.date(int(year), int(month), int(day)), "DATE_FORMAT"
                )
            elif month and month != "XX":
                text = formats.date_format(
                    datetime.date(int(year), int(month), 1), "YEAR_MONTH_FORMAT"
                )
            else:
                text = year
        except ValueError:
            return None
    if qualifier == "~":
        return _("about %(date)s") % {"date": text}
    if qualifier == "?":
        return _("%(date)s (uncertain)") % {"date": text}
    if qualifier == "%":
        return _("about %(date)s (uncertain)") % {"date": text}
    return text


def date_in_words(edtf: str | None) -> str:
    """The EDTF string in words in the active language ('' for no date)."""
    value = (edtf or "").strip()
    if not value:
        return ""
    if value[0] in "[{" and value[-1] in "]}":
        parts = [part.strip() for part in value[1:-1].split(",") if part.strip()]
        words = [_one(part) or part for part in parts]
        if value[0] == "{":
            return _(", ").join(words)
        if len(words) == 1:
            return words[0]
        return _("%(first)s or %(last)s") % {
            "first": _(", ").join(words[:-1]),
            "last": words[-1],
        }
    if "/" in value:
        start, _sep, end = value.partition("/")
        start_words = _one(start) if start not in ("", "..") else None
        end_words = _one(end) if end not in ("", "..") else None
        if start_words and end_words:
            return _("from %(start)s to %(end)s") % {
                "start": start_words,
                "end": end_words,
            }
        if start_words:
            return _("from %(start)s") % {"start": start_words}
        if end_words:
            return _("until %(end)s") % {"end": end_words}
        return value
    return _one(value) or value
