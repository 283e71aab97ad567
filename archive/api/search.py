"""Search across record types: a simple, correct implementation.

Every word searched must begin a word of the record's titles or names (any
language; case and accents ignored), looked up in the word index
(search_index.py). Every type starts from `visible_to()`; results come grouped by
type in a fixed order, then by English title.

Every query that reads the word index also carries the requester's visibility
condition: the index holds hidden records' words too, and a lookup that found them
before visibility was applied would make a word that exists only in a draft cost
more (more queries, more time) than a word that exists nowhere, so hidden titles
could be guessed letter by letter. tests/api/test_search.py checks every query. The search issue's engine
(`archive/search.py`, a backend per database) can replace the lookup without
changing the API's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from archive import kinds
from archive import models as m
from archive.api import cursors
from archive.api.context import ApiContext
from archive.api.prepared import cached, compile_query, sentinel
from archive.api.presenters import MODELS, load_refs
from archive.api.problems import InvalidParameter
from archive.api.search_index import INDEXED, query_words

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200

#: The column each kind's results are sorted on.
SORT_COLUMN: dict[str, str] = {kind.name: kind.search_sort for kind in kinds.KINDS}
#: Results come grouped by type, in this order.
KIND_ORDER = list(kinds.SEARCH_ORDER)


def parse_query(value: str | None) -> str:
    """The text as given (the schema states the same rule, so generated clients
    and this check agree on every string)."""
    text = value or ""
    if not MIN_QUERY_LENGTH <= len(text) <= MAX_QUERY_LENGTH or "\x00" in text:
        raise InvalidParameter(
            {
                "q": [
                    _("Give %(min)s to %(max)s characters to search for.")
                    % {"min": MIN_QUERY_LENGTH, "max": MAX_QUERY_LENGTH}
                ]
            }
        )
    return text


def parse_kinds(value: str | None) -> list[str]:
    if not value:
        return KIND_ORDER
    kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in INDEXED]
    if unknown or not kinds:
        raise InvalidParameter(
            {
                "type": [
                    _("Use types from: %(kinds)s.") % {"kinds": ", ".join(KIND_ORDER)}
                ]
            }
        )
    return [kind for kind in KIND_ORDER if kind in kinds]


def word_lookup(kind: str, word: str) -> QuerySet:
    """Ids of records of `kind` with a word starting with `word`."""
    return m.SearchToken.objects.filter(token_range(word), kind=kind).values(
        "object_id"
    )


TOKEN_FIELD = m.SearchToken._meta.get_field("token")


def token_range(word: str) -> Q:
    """Index rows whose word starts with `word`."""
    return token_bounds(bound_values(word))


def bound_values(word: str) -> list[str]:
    """The values `token_bounds` compares with: on SQLite a range (which it answers
    from the index; its LIKE is case-blind and cannot use one; it compares text by
    code point, so every word that starts with `word` sorts between the two), on
    other databases the prefix itself."""
    if connection.vendor == "sqlite":
        return [word, word[:-1] + chr(ord(word[-1]) + 1)]
    return [word]


def token_bounds(values: list[str]) -> Q:
    if connection.vendor == "sqlite":
        return Q(token__gte=values[0], token__lt=values[1])
    return Q(token__startswith=values[0])


def _bound_params(values: list[str]) -> list[str]:
    """The parameters the ORM makes of `bound_values` (a LIKE pattern off SQLite)."""
    if connection.vendor == "sqlite":
        return list(values)
    return [connection.ops.prep_for_like_query(values[0]) + "%"]


def kinds_with_candidates(ctx: ApiContext, word: str, kinds: list[str]) -> list[str]:
    """The searched types that have a record this requester may see with a word
    starting with `word`: one index lookup spares the other types their queries.

    Visibility is part of the lookup (per type, the index row's record must be
    visible), so hidden records cost nothing more than absent ones. The query is
    compiled once per audience, day and set of types (building its ten correlated
    conditions cost more than running it), then re-run with the word's bounds.
    """
    key = ("search.candidates", ctx.audience.key, ctx.today, tuple(kinds))
    compiled = cached(
        key,
        lambda: compile_query(
            lambda values: _candidates(ctx, values, kinds),
            lambda variant: [
                sentinel(TOKEN_FIELD, index, variant)
                for index in range(len(bound_values("x")))
            ],
            prepare=_bound_params,
        ),
    )
    values = bound_values(word)
    if compiled is None:
        present = set(_candidates(ctx, values, kinds))
    else:
        present = {row[0] for row in compiled.rows(_bound_params(values))}
    return [kind for kind in kinds if kind in present]


def _candidates(ctx: ApiContext, values: list[str], kinds: list[str]) -> QuerySet:
    visible = Q()
    for kind in kinds:
        model = MODELS[kind]
        # Correlated on the record's key: the database checks only the records the
        # word range found, never builds the list of every visible id.
        visible |= Q(kind=kind) & Exists(
            model._default_manager.filter(
                ctx.audience.visible_q(model), pk=OuterRef("object_id")
            )
        )
    return (
        m.SearchToken.objects.filter(token_bounds(values))
        .filter(visible)
        .values_list("kind", flat=True)
        .distinct()
    )


def matching(ctx: ApiContext, kind: str, words: list[str]) -> QuerySet:
    """Visible records of `kind` having, for every searched word, a word that starts
    with it. Starts from visible_to(): the index never decides visibility."""
    model = MODELS[kind]
    queryset = model._default_manager.filter(ctx.audience.visible_q(model))
    for word in words:
        queryset = queryset.filter(pk__in=word_lookup(kind, word))
    return queryset


@dataclass
class SearchPage:
    count: int
    results: list[dict]
    next_cursor: str | None


def _cursor(kind: str, sort_value: Any, pk: int) -> str:
    return cursors.encode("search", [kind, sort_value, pk])


#: The shortest cursor a search accepts (the schema's lower bound): the shortest
#: type, an empty sort value, id 1.
SHORTEST_CURSOR = _cursor(min(KIND_ORDER, key=len), "", 1)


def _decode(cursor: str, kinds: list[str]) -> tuple[str, Any, int]:
    """(type, sort value, id) of the last result before the page, or a 400."""
    payload = cursors.decode(cursor, "search")
    if not isinstance(payload, list) or len(payload) != 3:
        raise cursors.invalid()
    kind, sort_value, pk = payload
    if (
        kind not in kinds
        or not (sort_value is None or isinstance(sort_value, str))
        or isinstance(pk, bool)
        or not isinstance(pk, int)
        or not 0 < pk < 2**63
    ):
        raise cursors.invalid()
    return kind, sort_value, pk


def search(
    ctx: ApiContext, text: str, kinds: list[str], page_size: int, cursor: str | None
) -> SearchPage:
    """One page of results and the total count; a cursor continues after the last
    result (type, title, id) of the page before."""
    start = _decode(cursor, kinds) if cursor else None
    words = query_words(text)
    if not words:
        return SearchPage(count=0, results=[], next_cursor=None)
    count = 0
    picked: list[tuple[str, Any, int]] = []
    more = False
    for kind in kinds_with_candidates(ctx, words[0], kinds):
        queryset = matching(ctx, kind, words)
        found = queryset.count()
        count += found
        if not found or len(picked) > page_size:
            continue
        sort = SORT_COLUMN[kind]
        if start is not None:
            start_kind, start_sort, start_pk = start
            if KIND_ORDER.index(kind) < KIND_ORDER.index(start_kind):
                continue
            if kind == start_kind:
                queryset = queryset.filter(_after(sort, start_sort, start_pk))
        rows = queryset.order_by(F(sort).asc(nulls_first=True), "pk").values_list(
            sort, "pk"
        )[: page_size + 1 - len(picked)]
        picked.extend((kind, sort_value, pk) for sort_value, pk in rows)
    if len(picked) > page_size:
        more = True
        picked = picked[:page_size]
    refs: dict[tuple[str, int], dict] = {}
    by_kind: dict[str, list[int]] = {}
    for kind, _sort, pk in picked:
        by_kind.setdefault(kind, []).append(pk)
    for kind, pks in by_kind.items():
        for pk, ref in load_refs(ctx, kind, pks).items():
            refs[(kind, pk)] = ref
    results = [refs[(kind, pk)] for kind, _s, pk in picked if (kind, pk) in refs]
    next_cursor = _cursor(*picked[-1]) if more and picked else None
    return SearchPage(count=count, results=results, next_cursor=next_cursor)


def _after(sort: str, value: Any, pk: int) -> Q:
    if value is None:
        return Q(**{f"{sort}__isnull": False}) | Q(
            **{f"{sort}__isnull": True, "pk__gt": pk}
        )
    return Q(**{f"{sort}__gt": value}) | Q(**{sort: value, "pk__gt": pk})
