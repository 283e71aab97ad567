"""The facts check: numbers as digits whatever the formatting, and people's names."""

from __future__ import annotations

import pytest

from archive.facts import differences, numbers


@pytest.mark.parametrize("text", ["1,500", "1.500", "1 500", "1\u202f500", "1500"])
def test_thousands_are_one_number_whatever_the_separator(text):
    """'1.500' (French, German), '1,500' (English) and '1 500' are all 1500."""
    assert numbers(f"about {text} people") == {"1500"}


def test_decimal_commas_and_points_are_the_same_number():
    assert numbers("2,5 km") == numbers("2.5 km") == {"2.5"}


def test_dates_give_their_day_month_and_year():
    assert numbers("1942-08-04") == {"1942", "8", "4"}
    assert numbers("le 4 août 1942") == {"4", "1942"}


def test_a_year_next_to_a_count_is_not_read_as_thousands():
    assert numbers("In 1943 500 children") == {"1943", "500"}


def test_a_faithful_translation_has_no_difference():
    original = "On 19 April 1943 Youra Livchitz stopped the 20th convoy; 1,631 people."
    french = "Le 19 avril 1943, Youra Livchitz arrêta le 20e convoi ; 1 631 personnes."
    assert differences(original, french, names=["Livchitz"]) == []


def test_a_changed_year_is_reported_both_ways():
    found = differences("Liberated in 1944.", "Libérée en 1945.")
    assert [(d.value, d.missing_from_translation) for d in found] == [
        ("1944", True),
        ("1945", False),
    ]
    assert found[0].describe("English", "French") == (
        "1944 is in the English text but not in the French"
    )


def test_a_dropped_name_is_reported_and_accents_or_genitives_are_not():
    names = ["Geulen", "Elisabeth", "Jospa"]
    original = "Andrée Geulen and Queen Elisabeth helped Hertz Jospa."
    kept = "Geulens Arbeit, Königin Élisabeth und Hertz Jospa."
    assert differences(original, kept, names=names) == []
    dropped = differences(original, "Königin Elisabeth und Hertz Jospa.", names=names)
    assert [(d.kind, d.value) for d in dropped] == [("name", "Geulen")]


def test_an_empty_translation_is_missing_not_a_distortion():
    """Completeness reports it; the facts check has nothing to compare."""
    assert differences("In 1942.", "") == []
    assert differences("In 1942.", "   ") == []


def test_a_title_before_a_name_may_be_translated_but_not_the_name():
    names = ["Father Bruno"]
    original = "Father Bruno hid children."
    assert differences(original, "Le père Bruno cacha des enfants.", names=names) == []
    dropped = differences(original, "Le père cacha des enfants.", names=names)
    assert [d.value for d in dropped] == ["Father Bruno"]
