"""Search across record types: a simple, correct implementation.

Case-insensitive substring matching on each type's titles and names, every type
starting from `visible_to()`, results grouped by type in a fixed order and then by
English title. It is a placeholder for the search engine of the search issue
(`archive/search.py`, a backend per database); the API's shape does not change when
that lands.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from archive import models as m
from archive.api.context import LANGUAGES, ApiContext
from archive.api.problems import InvalidParameter
from archive.api.records import MODELS, load_refs

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200

#: Kind -> (the columns matched, the column sorted on). Search order of kinds.
SEARCHED: dict[str, tuple[tuple[str, ...], str]] = {
    "exhibition": (
        tuple(f"{f}_{c}" for f in ("title", "subtitle") for c in LANGUAGES),
        "title_en",
    ),
    "recognition": (
        (*(f"title_{c}" for c in LANGUAGES), "file_number"),
        "title_en",
    ),
    "person": (("family_name", "given_names"), "family_name"),
    "testimony": (tuple(f"title_{c}" for c in LANGUAGES), "title_en"),
    "event": (tuple(f"title_{c}" for c in LANGUAGES), "title_en"),
    "organisation": (
        (*(f"name_{c}" for c in LANGUAGES), "acronym"),
        "name_en",
    ),
    "place": (tuple(f"name_{c}" for c in LANGUAGES), "name_en"),
    "image": (tuple(f"title_{c}" for c in LANGUAGES), "title_en"),
    "source": (("title", "creators"), "title"),
    "figure": (tuple(f"label_{c}" for c in LANGUAGES), "label_en"),
}
KIND_ORDER = list(SEARCHED)


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
    unknown = [kind for kind in kinds if kind not in SEARCHED]
    if unknown or not kinds:
        raise InvalidParameter(
            {
                "type": [
                    _("Use types from: %(kinds)s.") % {"kinds": ", ".join(KIND_ORDER)}
                ]
            }
        )
    return [kind for kind in KIND_ORDER if kind in kinds]


def matching(ctx: ApiContext, kind: str, text: str) -> QuerySet:
    model = MODELS[kind]
    columns, _sort = SEARCHED[kind]
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__icontains": text})
    if kind == "person":
        condition |= Q(
            pk__in=m.NameVariant.objects.filter(name__icontains=text).values(
                "person_id"
            )
        )
    return model._default_manager.filter(ctx.audience.visible_q(model)).filter(
        condition
    )


@dataclass
class SearchPage:
    count: int
    results: list[dict]
    next_cursor: str | None


def _cursor(kind: str, sort_value: Any, pk: int) -> str:
    raw = json.dumps([kind, sort_value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, kinds: list[str]) -> tuple[str, Any, int]:
    invalid = InvalidParameter({"cursor": [_("This cursor is not valid.")]})
    if len(cursor) > 1000:
        raise invalid
    try:
        kind, sort_value, pk = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise invalid from error
    if (
        kind not in kinds
        or not (sort_value is None or isinstance(sort_value, str))
        or isinstance(pk, bool)
        or not isinstance(pk, int)
        or not 0 < pk < 2**63
    ):
        raise invalid
    return kind, sort_value, pk


def search(
    ctx: ApiContext, text: str, kinds: list[str], page_size: int, cursor: str | None
) -> SearchPage:
    """One page of results and the total count; a cursor continues after the last
    result (type, title, id) of the page before."""
    start = _decode(cursor, kinds) if cursor else None
    count = 0
    picked: list[tuple[str, Any, int]] = []
    more = False
    for kind in kinds:
        queryset = matching(ctx, kind, text)
        count += queryset.count()
        if len(picked) > page_size:
            continue
        _columns, sort = SEARCHED[kind]
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
