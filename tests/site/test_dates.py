"""EDTF dates in words, per language."""

import pytest
from django.utils import translation

from archive.site.dates import date_in_words


@pytest.mark.parametrize(
    ("code", "edtf", "words"),
    [
        ("en", "1943-04-19", "April 19, 1943"),
        ("fr", "1943-04-19", "19 avril 1943"),
        ("fr", "1942-08~", "vers août 1942"),
        ("fr", "1990?", "1990 (incertain)"),
        ("fr", "[1967,1968]", "1967 ou 1968"),
        ("de", "1942-07/1944-09", "von Juli 1942 bis September 1944"),
        ("nl", "1944-09/..", "vanaf september 1944"),
        ("en", "194X", "the 1940s"),
        ("en", "not a date", "not a date"),
        ("en", "", ""),
    ],
)
def test_edtf_in_words(code, edtf, words):
    with translation.override(code):
        assert date_in_words(edtf) == words
