"""Translations cannot change facts: numbers, years, dates and people's names.

A translation must hold every number of its original and no other (compared as
digits, whatever the language writes between them: "1.500", "1,500", "1 500" and
"1500" are one number, "2,5" and "2.5" another), and every proper name of a person
that its original names. Pure text functions, no database: callers pass the names
(`archive.provenance.person_names()` reads them from the archive, the demo test
from the demo files), so the admin, the translator's service and the demo's test
share one rule.

A name of several words counts as kept when its last word is: a title before a name
is translated ("Father Bruno" is "Père Bruno" in French, "Pater Bruno" in Dutch).
Numbers written as words ("two children", "deux enfants") are not compared: the
check is about figures a reader could quote, which the archive writes as digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# A number: digits, optionally grouped by thousands ("25 631", "25.631", "25,631",
# "25'631", narrow or non-breaking spaces) and optionally with a decimal part. A
# separator followed by exactly three digits groups thousands; any other is decimal.
_GROUP_SEPARATORS = ".,'\u00a0\u202f\u2009 "
_NUMBER = re.compile(
    r"(?<![\d])(?P<int>\d{1,3}(?:[.,'\u00a0\u202f\u2009 ]\d{3})+(?!\d)|\d+)"
    r"(?:[.,](?P<dec>\d+))?"
)


def numbers(text: str) -> set[str]:
    """Every number in `text`, normalised: '1.500' -> '1500', '2,5' -> '2.5',
    '08' -> '8' (a day or month written with a leading zero)."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text or ""):
        whole = match.group("int")
        for separator in _GROUP_SEPARATORS:
            whole = whole.replace(separator, "")
        value = str(int(whole))
        decimal = match.group("dec")
        if decimal and decimal.strip("0"):  # "3.0" is three
            value = f"{value}.{decimal.rstrip('0')}"
        found.add(value)
    return found


def folded(text: str) -> str:
    """Lower case without accents, so 'Élisabeth' and 'Elisabeth' compare equal
    (French writes accents the original's spelling may not have)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def names_in(text: str, names: Iterable[str]) -> set[str]:
    """The names (from `names`) that `text` mentions: at the start of a word, so a
    Dutch or German genitive ('Geulens') still counts, ignoring case and accents."""
    haystack = folded(text)
    return {
        name
        for name in names
        if name.strip() and re.search(r"(?<!\w)" + re.escape(folded(name)), haystack)
    }


@dataclass(frozen=True)
class Difference:
    """One fact that differs between an original and its translation."""

    kind: str  # "number" or "name"
    value: str
    #: True when the original has it and the translation does not.
    missing_from_translation: bool

    def describe(self, original: str, translation: str) -> str:
        """'1943 is in the English text but not in the French' style sentence,
        with language names given by the caller."""
        thing = f"the name {self.value}" if self.kind == "name" else self.value
        first, second = (original, translation)
        if not self.missing_from_translation:
            first, second = second, first
        return f"{thing} is in the {first} text but not in the {second}"


def differences(
    original: str, translation: str, *, names: Iterable[str] = ()
) -> list[Difference]:
    """What the translation changed: numbers missing from it, numbers it added,
    and names of people the original mentions that it leaves out. Empty when the
    facts agree (or when either text is empty: an empty translation is missing,
    which completeness reports, not a distortion)."""
    if not (original or "").strip() or not (translation or "").strip():
        return []
    ours, theirs = numbers(original), numbers(translation)
    found = [
        Difference("number", value, True) for value in sorted(ours - theirs, key=_key)
    ]
    found += [
        Difference("number", value, False) for value in sorted(theirs - ours, key=_key)
    ]
    named = names_in(original, names)
    found += [
        Difference("name", name, True)
        for name in sorted(named)
        if not names_in(translation, [name, name.split()[-1]])
    ]
    return found


def _key(value: str) -> tuple[float, str]:
    return (float(value), value)
