"""EDTF bounds: the direct path for plain dates agrees with the EDTF grammar."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from archive import edtf


def plain_values() -> list[str]:
    values = []
    for year in (1940, 1944, 2000):  # 1944 and 2000 are leap years
        values.append(f"{year}")
        day = datetime.date(year, 1, 1)
        while day.year == year:
            values.append(day.isoformat())
            day += datetime.timedelta(days=1)
        values.extend(f"{year}-{month:02d}" for month in range(1, 13))
    return values


def test_plain_dates_are_bounded_as_the_edtf_grammar_bounds_them():
    """The shortcut for YYYY, YYYY-MM and YYYY-MM-DD never disagrees with the parser."""
    for value in plain_values():
        match = edtf._PLAIN_DATE.match(value)
        assert match, value
        assert edtf._plain_bounds(**match.groupdict()) == edtf._parsed_bounds(value)


@pytest.mark.parametrize("value", ["1943-02-30", "1944-04-31", "1943-13", "1943-00"])
def test_impossible_plain_dates_are_still_refused(value):
    with pytest.raises(ValidationError):
        edtf.edtf_bounds(value)


def test_bounds_are_remembered_between_calls():
    """A repeated date is parsed once (imports and the generator repeat many)."""
    edtf._cached_bounds.cache_clear()
    for _ in range(3):
        edtf.edtf_bounds("[1967,1968]")
    info = edtf._cached_bounds.cache_info()
    assert (info.misses, info.hits) == (1, 2)
