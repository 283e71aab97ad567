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
from datetime import date
from functools import lru_cache
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from archive import kinds
from archive import models as m
from archive.api.context import Audience
from archive.search.documents import FACETS
from archive.search.estimates import DOCUMENTS
from archive.search.query import SearchError, SearchRequest
from archive.statements import run_statement

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


def sample_step(total: int) -> int:
    """Every how many ids the facets count, for `total` matches: 1 (every match) up
    to `FACET_EXACT`, beyond `ceil(total / FACET_EXACT)`, so that about
    `FACET_EXACT` are counted and each count is multiplied by the step."""
    return max(1, -(-total // FACET_EXACT))


def sampled(step: str) -> str:
    """The condition keeping the documents a sample counts: those whose id is a
    multiple of `step` (an SQL integer expression), an even sample of any set."""
    return f"{DOCUMENTS}.id %% {step} = 0"


def sample_step_sql(total: str) -> str:
    """`sample_step` as SQL, of an integer expression `total`: for a statement that
    learns the number of matches only as it runs (the PostgreSQL search statement
    picks the ids the facets will count), evaluated once. The one rule, written
    twice: the tests evaluate both."""
    return (
        f"(SELECT CASE WHEN total > {FACET_EXACT} "
        f"THEN (total + {FACET_EXACT - 1}) / {FACET_EXACT} ELSE 1 END "
        f"FROM (SELECT {total} AS total) AS counted)"
    )


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
    """Counts of the values each facet lists among the matching visible
    documents (`body` is their `FROM ... WHERE ...`), and whether they are
    estimates. Either `exact` (every match counted, as a browse list's counts
    must be) or `total`, the number of matches, which decides whether a sample
    is counted instead.

    One query (`counts_statement`): the counts, each place or organisation with
    its public id and names when the requester may see it (`_record_sql`)."""
    if exact == (total is not None):
        raise TypeError("facets_for() takes either exact=True or the total.")
    from_where, params = body
    step = 1 if exact else sample_step(total)
    sample = f" AND {sampled(str(step))}" if step > 1 else ""
    sql, counts_params = counts_statement(request, (from_where + sample, params))
    return facets_from_rows(request, run_statement(sql, counts_params), step), step > 1


def counts_statement(
    request: SearchRequest, body: tuple[str, list]
) -> tuple[str, list]:
    """The statement counting the facet values listed among the documents of
    `body` (`FROM ... WHERE ...` naming `archive_searchdocument`), and its
    parameters: one row per value listed (facet, value, count, then
    `record_columns()` columns naming its place or organisation), read by
    `facets_from_rows`.

    Only the values a facet lists come back: the `MAX_VALUES` largest counts of
    each facet among the values the requester may see, in `_values`' order
    (count, then value, compared as Python compares strings: byte order). The
    places and organisations are looked up for those alone: a common word's
    matches are in some 440 places, each was looked up by key, named in four
    languages and sent back as JSON, to list 20 (the facets took 9.5 of the
    44 ms of a search for `synthetic testimony` at 100,000 recognitions on
    PostgreSQL; 5.5 now)."""
    from_where, params = body
    records = _record_sql(request.audience.key, timezone.localdate(), connection.vendor)
    sql = (
        f"SELECT counts.facet, counts.value, counts.number{records.columns} FROM ("
        "SELECT facet, value, number, ROW_NUMBER() OVER (PARTITION BY facet "
        f"ORDER BY number DESC, value{records.bytewise}) AS listed FROM ("
        "SELECT facet, value, COUNT(*) AS number FROM archive_searchfacet "
        "WHERE document_id IN "
        f"(SELECT {DOCUMENTS}.id {from_where}) "
        f"GROUP BY facet, value) AS grouped WHERE {records.visible}) AS counts"
        f"{records.joins} WHERE counts.listed <= {MAX_VALUES}"
    )
    return sql, [*params, *records.visible_params, *records.joins_params]


def _record_fields() -> list[str]:
    """The fields naming a counted place or organisation: its public id, then its
    name in every language."""
    return ["uuid", *kinds.translated_columns("name")]


def record_columns() -> int:
    """How many columns name a counted place or organisation in a row of
    `counts_statement` (after facet, value and count)."""
    return len(RECORD_FACETS) * len(_record_fields())


def facets_from_rows(request: SearchRequest, rows: list, step: int) -> list[Facet]:
    """The facets of `counts_statement`'s rows (or of lists of their values),
    each count multiplied by `step`, the sample's (1: every match counted)."""
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    records: dict[str, dict[str, tuple]] = {name: {} for name in RECORD_FACETS}
    width = len(_record_fields())
    for name, value, number, *named in rows:
        counts[name].append((value, number * step))
        if name in RECORD_FACETS:
            offset = list(RECORD_FACETS).index(name) * width
            record = named[offset : offset + width]
            if record[0] is not None:
                records[name][value] = tuple(record)
    lang = request.lang or kinds.language_codes()[0]
    with translation.override(lang):
        return [
            Facet(name, str(LABELS[name]), _values(name, found, lang, records))
            for name, found in counts.items()
        ]


@dataclass(frozen=True)
class _RecordSql:
    """SQL leaving out each place or organisation counted (its pk as text) that
    the audience may not see, and naming the others (`_record_sql`)."""

    #: The columns (its UUID, then its name in every language), after `, `.
    columns: str
    #: The joins that read them (of values `visible` kept), and their parameters.
    joins: str
    joins_params: tuple
    #: A condition on a counted value (`grouped.facet`, `grouped.value`): true
    #: unless it is a record the audience may not see; and its parameters.
    visible: str
    visible_params: tuple
    #: What makes `ORDER BY value` compare bytes, as Python compares strings.
    bytewise: str


@lru_cache(maxsize=16)
def _record_sql(audience: str, day: date, vendor: str) -> _RecordSql:
    """How a counted place or organisation is left out when the audience may
    not see it, neither counted nor named (`visible`, tested once, before the
    values are listed: the visible keys are read once and hashed), and how the
    values listed are named (`columns`, `joins`).

    Made once a day per audience (visibility depends on the date, embargoes
    ending): compiling the visibility conditions cost more than the queries
    they replace."""
    quote = connection.ops.quote_name
    # A value is the record's key as text: cast to the key's type where it names
    # a record (any text casts on SQLite; on PostgreSQL only under a CASE).
    key_type = "INTEGER" if vendor == "sqlite" else "BIGINT"
    columns, joins, params = "", "", []
    visible, visible_params = "CASE grouped.facet", []
    for name, model in RECORD_FACETS.items():
        alias = quote(f"facet_{name}")
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        fields = _record_fields()
        named = [quote(model._meta.get_field(field).column) for field in fields]
        columns += "".join(f", {alias}.{column}" for column in named)
        visible_query = (
            model._default_manager.filter(Audience.named(audience).visible_q(model))
            .order_by()
            .values("pk")
        )
        visible_sql, visible_sql_params = visible_query.query.get_compiler(
            connection=connection
        ).as_sql()
        params.append(name)
        # The CASE casts this facet's values alone: a decade or a language code
        # is not a number. The visible keys are read once and hashed.
        visible += f" WHEN %s THEN CAST(grouped.value AS {key_type}) IN ({visible_sql})"
        visible_params.extend([name, *visible_sql_params])
        if vendor == "sqlite":
            # The key itself, so SQLite looks the row up by it: compared as text
            # it read every visible row for every value counted (156 ms for a
            # word of 300 hits at 100,000 recognitions). Any value casts on SQLite.
            joins += (
                f" LEFT JOIN {table} AS {alias} ON counts.facet = %s "
                f"AND {alias}.{pk} = CAST(counts.value AS {key_type})"
            )
            continue
        # PostgreSQL: each value's record read by its key alone (a lateral
        # subquery whose one condition is the key, kept a subquery by its LIMIT).
        # No plan then depends on the planner's guess of how many values or
        # visible records there are: joined on the key as text, a misestimate
        # made it test each of a prefix's 439 values against every visible
        # organisation, 131,700 comparisons, 25 ms at 100,000 recognitions.
        selected = ", ".join(f"{alias}.{column}" for column in [pk, *named])
        joins += (
            f" LEFT JOIN LATERAL (SELECT {selected} FROM {table} AS {alias} "
            f"WHERE {alias}.{pk} = CASE WHEN counts.facet = %s "
            f"THEN CAST(counts.value AS {key_type}) END LIMIT 1) AS {alias} ON TRUE"
        )
    return _RecordSql(
        columns=columns,
        joins=joins,
        joins_params=tuple(params),
        visible=f"{visible} ELSE 1 = 1 END",
        visible_params=tuple(visible_params),
        bytewise="" if vendor == "sqlite" else ' COLLATE "C"',
    )


def _values(
    name: str,
    found: list[tuple[str, int]],
    lang: str,
    records: dict[str, dict[str, tuple]],
) -> list[FacetValue]:
    # The order `counts_statement` lists them in (its ROW_NUMBER): change both.
    found.sort(key=lambda pair: (-pair[1], pair[0]))
    if name in RECORD_FACETS:
        return _record_values(RECORD_FACETS[name], found, lang, records[name])
    labels = _simple_labels(name, lang)
    return [
        FacetValue(value, _label(name, value, labels, lang), number)
        for value, number in found[:MAX_VALUES]
    ]


def _record_values(
    model: type,
    found: list[tuple[str, int]],
    lang: str,
    records: dict[str, tuple],
) -> list[FacetValue]:
    """The largest values whose record the requester may see (only those are
    named and counted; `records` maps them to their UUID and names)."""
    codes = kinds.language_codes()
    uuid_field = model._meta.get_field("uuid")
    values: list[FacetValue] = []
    for value, number in found:
        record = records.get(value)
        if record is None:
            continue
        uuid, *names = record
        label = names[codes.index(lang)] or names[0]
        values.append(FacetValue(str(uuid_field.to_python(uuid)), label, number))
        if len(values) == MAX_VALUES:
            break
    return values


@lru_cache(maxsize=64)
def _simple_labels(name: str, lang: str) -> dict[str, str]:
    """The labels of a facet's values in `lang`, the active language: made once
    per facet and language, not for every answer (under cProfile, labelling
    the facets took half as long: 0.2 ms instead of 0.4 of a search for a
    family name)."""
    if name == "kind":
        return {
            kind.name: str(kind.model._meta.verbose_name_plural) for kind in kinds.KINDS
        }
    if name == "language":
        return {code: str(_(label)) for code, label in settings.LANGUAGES}
    return {}


def _label(name: str, value: str, labels: dict[str, str], lang: str) -> str:
    if name == "decade" and value.isdigit():
        return _decade_label(lang) % {"decade": value}
    return labels.get(value, value)


@lru_cache(maxsize=16)
def _decade_label(lang: str) -> str:
    """How a decade is written in `lang`, the active language ("1940s")."""
    return pgettext("facet", "%(decade)ss")
