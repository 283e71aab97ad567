"""Facets (kind, place, organisation, decade, language): counted over the same
visible documents as the hits, in one grouped query, and usable as filters.

Up to `FACET_EXACT` matches the counts are exact. Beyond, they are counted on an
even sample of the matches (documents whose id is a multiple of a step) and
multiplied by the step: estimates, and the answer says so
(`SearchResult.facets_approximate`; the API's `facets_approximate`).

A place's or an organisation's value is its public UUID; a facet value whose record
the requester may not see is neither counted nor named (and filtering by it finds
nothing, exactly like an unknown UUID).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from archive import kinds
from archive import models as m
from archive.api.context import Audience
from archive.search.documents import FACETS
from archive.search.query import SearchError, SearchRequest

#: Facets whose values are records, and their models.
RECORD_FACETS = {"place": m.Place, "organisation": m.Organisation}
FILTERS: tuple[str, ...] = tuple(name for name in FACETS if name != "kind")
#: The most values a facet lists (the largest counts).
MAX_VALUES = 20
#: Above this many matches, facets are estimated from a sample of about this size.
FACET_EXACT = 1_000
LABELS = {
    "kind": _("Type"),
    "place": _("Place"),
    "organisation": _("Organisation"),
    "decade": _("Decade"),
    "language": _("Language"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


def filter_condition(audience: Audience, filters: Mapping[str, str]) -> Q:
    """Documents having every filter's facet value."""
    condition = Q()
    for name, value in filters.items():
        if name not in FILTERS:
            raise SearchError(name, "Unknown filter.")
        if name in RECORD_FACETS:
            try:
                uuid = UUID(str(value))
            except ValueError as error:
                raise SearchError(name, "Give the id (UUID) of a record.") from error
            model = RECORD_FACETS[name]
            pk = (
                model._default_manager.filter(audience.visible_q(model), uuid=uuid)
                .values_list("pk", flat=True)
                .first()
            )
            value = str(pk) if pk else ""
        elif name == "decade" and not (value.isdigit() and len(value) == 4):
            raise SearchError(name, "Give a decade as its first year, e.g. 1940.")
        elif name == "language" and value not in kinds.language_codes():
            raise SearchError(name, "Unknown language.")
        condition &= Exists(
            m.SearchFacet.objects.filter(
                document=OuterRef("pk"), facet=name, value=value
            )
        )
    return condition


def facets_for(
    request: SearchRequest,
    body: tuple[str, list],
    *,
    total: int | None = None,
    exact: bool = False,
) -> tuple[list[Facet], bool]:
    """Counts of every facet value among the matching visible documents (`body` is
    their `FROM ... WHERE ...`), and whether they are estimates. Either `exact`
    (every match counted, as a browse list's counts must be) or `total`, the
    number of matches, which decides whether a sample is counted instead."""
    if exact == (total is not None):
        raise TypeError("facets_for() takes either exact=True or the total.")
    from_where, params = body
    # ceil: 1 (every match) up to FACET_EXACT matches
    step = 1 if exact else max(1, -(-total // FACET_EXACT))
    sample = f" AND archive_searchdocument.id %% {step} = 0" if step > 1 else ""
    sql = (
        "SELECT facet, value, COUNT(*) FROM archive_searchfacet WHERE document_id IN "
        f"(SELECT archive_searchdocument.id {from_where}{sample}) GROUP BY facet, value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for name, value, number in rows:
        counts[name].append((value, number * step))
    lang = request.lang or kinds.language_codes()[0]
    with translation.override(lang):
        facets = [
            Facet(name, str(LABELS[name]), _values(request, name, found, lang))
            for name, found in counts.items()
        ]
    return facets, step > 1


def _values(
    request: SearchRequest, name: str, found: list[tuple[str, int]], lang: str
) -> list[FacetValue]:
    found.sort(key=lambda pair: (-pair[1], pair[0]))
    if name in RECORD_FACETS:
        return _record_values(request, RECORD_FACETS[name], found, lang)
    labels = _simple_labels(name)
    return [
        FacetValue(value, _label(name, value, labels), number)
        for value, number in found[:MAX_VALUES]
    ]


def _record_values(
    request: SearchRequest, model: type, found: list[tuple[str, int]], lang: str
) -> list[FacetValue]:
    """The largest values whose record the requester may see (only those are
    named and counted): one query for the top values, another only when some of
    them were hidden."""
    name_columns = kinds.translated_columns("name")
    values: list[FacetValue] = []
    chunk = 2 * MAX_VALUES
    for start in range(0, len(found), chunk):
        part = found[start : start + chunk]
        pks = [int(value) for value, _n in part if value.isdigit()]
        records = {
            str(row["pk"]): row
            for row in model._default_manager.filter(
                request.audience.visible_q(model), pk__in=pks
            ).values("pk", "uuid", *name_columns)
        }
        for value, number in part:
            row = records.get(value)
            if row is not None:
                label = row[f"name_{lang}"] or row[name_columns[0]]
                values.append(FacetValue(str(row["uuid"]), label, number))
        if len(values) >= MAX_VALUES:
            break
    return values[:MAX_VALUES]


def _simple_labels(name: str) -> dict[str, str]:
    if name == "kind":
        return {
            kind.name: str(kind.model._meta.verbose_name_plural) for kind in kinds.KINDS
        }
    if name == "language":
        return {code: str(_(label)) for code, label in settings.LANGUAGES}
    return {}


def _label(name: str, value: str, labels: dict[str, str]) -> str:
    if name == "decade" and value.isdigit():
        return pgettext("facet", "%(decade)ss") % {"decade": value}
    return labels.get(value, value)
