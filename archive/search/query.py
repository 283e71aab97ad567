"""What a visitor typed, read once into a small, safe structure.

The syntax is the web's (and PostgreSQL's `websearch_to_tsquery`): words are all
required, `"a phrase"` keeps its words together, `-word` excludes, `OR` between two
words accepts either. Everything else (`*`, `NEAR`, parentheses, `col:`, SQL, NUL)
is only text: a word is a run of letters and digits of any script, so what reaches
an engine is a list of plain words that each backend quotes in its own syntax, and
no input can be an engine's syntax error.

Words are lower-cased (not case-folded: `ß` stays `ß`, as both engines keep it) and
lose their accents, as the engines' own tokenizers do with the indexed text; the
letters that have no accent to lose (ł, ø, æ, œ, đ, ð, þ: `LIGATURE_SPELLINGS`) are
respelt, as PostgreSQL's `unaccent` does and as SQLite's FTS5 rows are written
(`backends.fts5_folded`, migration 0028). Other letters either tokenizer treats
otherwise than `plain` (a final sigma in FTS5, compatibility forms such as `ﬁ`)
may still be found differently on the two databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from archive.api.context import Audience

#: Letters and digits of any script (Hebrew and Cyrillic names too).
WORD = re.compile(r"[^\W_]+")
#: A quoted phrase (an unbalanced quote runs to the end), or a run of other text.
PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
#: Letters that do not decompose into a base letter and an accent.
LIGATURE_SPELLINGS = {
    "œ": "oe",
    "æ": "ae",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
}
LIGATURES = str.maketrans(LIGATURE_SPELLINGS)
#: No query needs more words than this; the rest is ignored.
MAX_WORDS = 16
#: Words longer than this are cut (no real word is longer; keeps queries cheap).
MAX_WORD = 64


class SearchError(ValueError):
    """A request that cannot be answered as asked (the API answers 400). `field`
    names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SearchRequest:
    """What to search for, and for whom.

    `audience` is `Audience()` for the public; `lang` the language of titles and
    snippets (None: titles stay language maps, snippets in the default language);
    `kinds` limits record kinds (empty: all); `filters` maps a facet (`place`,
    `organisation`: a record's UUID; `decade`: e.g. "1940"; `language`: a code) to
    one value; `page` counts from 1.
    """

    q: str
    audience: Audience = field(default_factory=Audience)
    lang: str | None = None
    kinds: tuple[str, ...] = ()
    filters: Mapping[str, str] = field(default_factory=dict)
    page: int = 1
    page_size: int = 20
    facets: bool = True


def plain(text: str) -> str:
    """Lower case, without accents: 'Liège' -> 'liege'."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """'Liège, 1943' -> ['liege', '1943']."""
    return [word[:MAX_WORD] for word in WORD.findall(plain(text))]


#: Shorter words match only themselves: a one-letter prefix matches everything.
MIN_PREFIX = 2


@dataclass(frozen=True)
class Term:
    """One word (matched as a prefix) or a phrase (its words in order, exactly)."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def is_prefix(self) -> bool:
        return not self.is_phrase and len(self.words[0]) >= MIN_PREFIX


@dataclass
class Query:
    """Every group must match (a group is one term, or terms joined by OR); no
    excluded term may match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def positive_terms(self) -> list[Term]:
        """Every term of its groups (not the excluded ones), in order."""
        return [term for group in self.groups for term in group]

    def positive_words(self) -> list[str]:
        """Every word a hit may contain, for highlighting."""
        return [word for term in self.positive_terms() for word in term.words]


def parse(text: str) -> Query:
    """Read a visitor's query; an empty Query when nothing searchable is left."""
    query = Query()
    join_next = False
    budget = MAX_WORDS
    for match in PART.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                join_next = bool(query.groups)
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            found = words(bare[1:] if negated else bare)
            terms = [Term((word,)) for word in found]
            if negated and len(found) > 1:
                terms = [Term(tuple(found))]
        else:
            found = words(phrase)
            terms = [Term(tuple(found))] if found else []
        terms = terms[:budget]
        budget -= sum(len(term.words) for term in terms)
        if not terms:
            join_next = False
            continue
        if negated:
            query.excluded.extend(terms)
        elif join_next:
            query.groups[-1].append(terms[0])
            query.groups.extend([term] for term in terms[1:])
        else:
            query.groups.extend([term] for term in terms)
        join_next = False
        if budget <= 0:
            break
    return query


def fts5_match(query: Query, exact: frozenset[str] = frozenset()) -> str:
    """The query as an SQLite FTS5 expression: every word quoted, so nothing the
    visitor typed is FTS5 syntax. Single words match as prefixes, except those in
    `exact`, which begin no other word in the index (the same matches, read
    without gathering a prefix's document lists first)."""

    def term(t: Term) -> str:
        inner = " ".join(t.words)
        return f'"{inner}"*' if t.is_prefix and inner not in exact else f'"{inner}"'

    def group(terms: list[Term]) -> str:
        if len(terms) == 1:
            return term(terms[0])
        return "(" + " OR ".join(term(t) for t in terms) + ")"

    expression = " AND ".join(group(g) for g in query.groups)
    for t in query.excluded:
        expression = f"({expression}) NOT {term(t)}"
    return expression


#: Letters a word may hold that PostgreSQL's `unaccent` turns into an apostrophe,
#: `to_tsquery`'s quote ("Hawaiʻi" became `'hawai'i':*`, a syntax error): doubled,
#: they come out of unaccent as an escaped quote, and the lexeme is read as the
#: indexed text is (`'hawai' <-> 'i'`). (`plain` already turned ŉ into ʼn.)
UNACCENT_QUOTES = str.maketrans({c: c + c for c in "ʹʻʼʽˈ"})


def tsquery_lexeme(word: str, prefix: bool = False) -> str:
    """A word as a quoted `to_tsquery` lexeme, given to unaccent before to_tsquery:
    words hold only letters and digits, and the letters unaccent makes quotes are
    doubled (UNACCENT_QUOTES)."""
    return f"'{word.translate(UNACCENT_QUOTES)}'" + (":*" if prefix else "")


def tsquery_text(query: Query) -> str:
    """The query as `to_tsquery` input (through unaccent): every word a quoted
    lexeme (`tsquery_lexeme`); single words match as prefixes."""

    def term(t: Term) -> str:
        if t.is_phrase:
            return "(" + " <-> ".join(tsquery_lexeme(w) for w in t.words) + ")"
        return tsquery_lexeme(t.words[0], prefix=t.is_prefix)

    def group(terms: list[Term]) -> str:
        return "(" + " | ".join(term(t) for t in terms) + ")"

    parts = [group(g) for g in query.groups]
    parts.extend(f"!{term(t)}" for t in query.excluded)
    return " & ".join(parts)


def websearch_text(query: Query) -> str:
    """The same query in `websearch_to_tsquery` syntax, for the stemmed languages:
    rebuilt from the parsed words, so both readings agree on what was asked."""

    def term(t: Term) -> str:
        return f'"{" ".join(t.words)}"' if t.is_phrase else t.words[0]

    parts = [" or ".join(term(t) for t in g) for g in query.groups]
    parts.extend(f"-{term(t)}" for t in query.excluded)
    return " ".join(parts)
