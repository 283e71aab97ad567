"""Snippets: a short passage of a hit, its matched words in `<mark>`, everything
else HTML-escaped, in the requested language where the words are found there.

Made in Python from the stored texts for the page's hits only (at most a page
size), the same way on both databases: the engines' own highlighters do not escape
HTML and do not agree on what they mark.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.search.documents import NEUTRAL
from archive.search.query import MIN_PREFIX, WORD, plain

#: Words shown around the first match.
BEFORE, AFTER = 12, 24
ELLIPSIS = "…"


def _matches(token: str, words: list[str]) -> bool:
    folded = plain(token)
    return any(
        folded.startswith(word) if len(word) >= MIN_PREFIX else folded == word
        for word in words
    )


def _passage(text: str, words: list[str], require: bool) -> str | None:
    if require and text.isascii():
        # An ASCII text is its own plain form, lower-cased: a word found in no
        # token is not in it at all (most long texts of a hit hold no match).
        lowered = text.lower()
        if not any(word in lowered for word in words):
            return None
    # The tokens up to one past the passage (a transcript may be long).
    tokens: list[re.Match] = []
    first = None
    for token in WORD.finditer(text):
        tokens.append(token)
        if first is None and _matches(token.group(), words):
            first = len(tokens) - 1
        if first is not None and len(tokens) > max(0, first - BEFORE) + BEFORE + AFTER:
            break
    if not tokens:
        return None
    if first is None and require:
        return None
    start_token = max(0, (first or 0) - BEFORE)
    end_token = min(len(tokens), start_token + BEFORE + AFTER)
    start = tokens[start_token].start() if start_token else 0
    end = tokens[end_token - 1].end() if end_token < len(tokens) else len(text)
    parts: list[str] = [ELLIPSIS] if start else []
    position = start
    for token in tokens[start_token:end_token]:
        parts.append(escape(text[position : token.start()]))
        if _matches(token.group(), words):
            parts.append(f"<mark>{escape(token.group())}</mark>")
        else:
            parts.append(escape(token.group()))
        position = token.end()
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append(ELLIPSIS)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


#: Between the names (or titles) of one record shown together in a snippet.
NAMES_SEPARATOR = " · "
#: Other names shown after the first in a snippet of names (`_names`).
MORE_NAMES = 3


def _names(text: str, words: list[str], title: str) -> str | None:
    """The names and titles (field A, one per line: a person's family and given
    names and every name variant; a place's name in a language) in which a
    searched word appears, marked and separated: only those that say more than
    the `title` shown beside the snippet, when any does. For "Geulen", Andrée
    Geulen's person shows "Andrée <mark>Geulen</mark>-Herscovici" (her name
    variant), where the lines run together read "Geulen Andrée Andrée
    Geulen-Herscovici". When every line found repeats the title, the other
    names follow it, unmarked: "<mark>Reynders</mark> · Dom Bruno · Father
    Bruno". At most MORE_NAMES + 1 names, each a passage as long as any other
    (`_passage`)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        # One name or title (most kinds): nothing to choose among.
        return _passage(text, words, require=True)
    found = {line: _passage(line, words, require=True) for line in lines}
    marked = [passage for passage in found.values() if passage]
    if not marked:
        return None
    # Compared as written (lower case): the names and the title are the same
    # record's, spelt alike; `plain` on every word cost a search for a prefix
    # in 20 people's names 0.3 ms more.
    shown = {token.lower() for token in WORD.findall(title)}
    other = [
        line
        for line in lines
        if any(token.lower() not in shown for token in WORD.findall(line))
    ]
    more = [found[line] for line in other if found[line]]
    if not more:
        more = [marked[0]]
        more.extend(_passage(line, words, require=False) or "" for line in other)
    return NAMES_SEPARATOR.join(
        list(dict.fromkeys(name for name in more if name))[: MORE_NAMES + 1]
    )


def snippet(
    texts: list[dict], words: list[str], lang: str, title: str = ""
) -> SafeString:
    """The best passage: where a searched word appears, in `lang` first (then in
    no particular language, then any other), long texts before names and titles
    (`_names`: those that say more than `title`, the title shown with it)."""
    order = {lang: 0, NEUTRAL: 1}
    entries = sorted(texts, key=lambda entry: order.get(entry.get("lang"), 2))
    for entry in entries:
        for weight in ("b", "c"):
            found = _passage(entry.get(weight) or "", words, require=True)
            if found:
                return mark_safe(found)
        found = _names(entry.get("a") or "", words, title)
        if found:
            return mark_safe(found)
    for weight in ("b", "c"):
        for entry in entries:
            if entry.get("lang") in (lang, NEUTRAL):
                found = _passage(entry.get(weight) or "", words, require=False)
                if found:
                    return mark_safe(found)
    return mark_safe("")
