"""Reading what a visitor typed: plain words reach the engines, never syntax."""

from __future__ import annotations

import pytest

from archive.search.query import fts5_match, parse, tsquery_text, websearch_text, words


def test_words_are_lower_case_without_accents():
    assert words("Liège, 1943 — Œuvre NATIONALE") == [
        "liege",
        "1943",
        "oeuvre",
        "nationale",
    ]


def test_sharp_s_is_kept_as_the_engines_keep_it():
    assert words("Straße") == ["straße"]


def test_plain_words_are_all_required_and_match_as_prefixes():
    query = parse("comite de defense")
    assert fts5_match(query) == '"comite"* AND "de"* AND "defense"*'
    assert tsquery_text(query) == "('comite':*) & ('de':*) & ('defense':*)"


def test_phrases_exclusions_and_or():
    query = parse('"caserne dossin" -malines liege OR luik')
    assert (
        fts5_match(query)
        == '("caserne dossin" AND ("liege"* OR "luik"*)) NOT "malines"*'
    )
    assert tsquery_text(query) == (
        "(('caserne' <-> 'dossin')) & ('liege':* | 'luik':*) & !'malines':*"
    )
    assert websearch_text(query) == '"caserne dossin" liege or luik -malines'


def test_one_letter_words_match_only_themselves():
    assert fts5_match(parse("a")) == '"a"'


@pytest.mark.parametrize(
    "text",
    ["", "   ", "*", "-", "()", '"', '""', "OR", "OR OR", "-(", ":", "\\", "'", "%_"],
)
def test_syntax_alone_is_an_empty_query(text):
    assert not parse(text)


@pytest.mark.parametrize(
    "text",
    [
        'NEAR(a b) col:x "unbalanced',
        "x' OR 1=1; DROP TABLE archive_searchdocument; --",
        "a* AND b^ OR (c) NOT d - e",
        "אבגד абвгд 漢字 ٱلْعَرَبِيَّة",
        "word" * 2000,
    ],
)
def test_anything_typed_becomes_quoted_words(text):
    query = parse(text)
    for word in query.positive_words():
        assert word.isalnum()
    assert "DROP TABLE" not in fts5_match(query)
    assert ";" not in tsquery_text(query)
