"""Translations in the curators' admin: the "missing in language X" list filter,
the completeness report with each language's queue, and the translation status
shown beside a record's language tabs.

Kept outside the `archive.admin` package for the reason `admin_site.py` is: the
admin site's URLs (the report) need it while the admin modules register.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from archive import provenance
from archive.kinds import KINDS, language_codes
from archive.models import Publishable, Status

#: The list filter's query parameter: `?missing=fr` or `?missing=fr:story`.
MISSING_PARAMETER = "missing"


def changelist_url(model, **query: str) -> str | None:
    try:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def change_url(model, pk: int) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])


def gap_url(model, code: str, field: str | None = None) -> str | None:
    """The published records of `model` lacking `code` (in `field`, or any)."""
    value = f"{code}:{field}" if field else code
    return changelist_url(model, status__exact=Status.PUBLISHED, missing=value)


class MissingTranslationFilter(admin.SimpleListFilter):
    """Records with text in some language but none in the chosen one, in any of
    their translated fields (`fr`) or in one field (`fr:story`, the report's links).
    """

    title = _("missing in language")
    parameter_name = MISSING_PARAMETER

    def lookups(self, request: HttpRequest, model_admin: Any):
        from django.conf import settings

        return [(code, name) for code, name in settings.LANGUAGES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        value = self.value()
        if not value:
            return None
        code, _sep, field = value.partition(":")
        fields = provenance.tracked_fields(queryset.model)
        if code not in language_codes() or (field and field not in fields):
            raise IncorrectLookupParameters(
                _("Unknown language or field: %(value)s") % {"value": value}
            )
        if field:
            return queryset.filter(provenance.missing_q(field, code))
        return queryset.filter(provenance.missing_any_q(queryset.model, code))


class UnreviewedTranslationFilter(admin.SimpleListFilter):
    """Records with a translation nobody has reviewed yet (the review queue)."""

    title = _("translation review")
    parameter_name = "translations"

    def lookups(self, request: HttpRequest, model_admin: Any):
        return [("unreviewed", _("awaiting review"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() != "unreviewed":
            return None
        return queryset.filter(pk__in=unreviewed_ids(queryset.model))


def unreviewed_ids(model: type[Publishable]) -> list[int]:
    """Records holding an unreviewed translation. Read in Python: the provenance is
    a small JSON object on records that have any, and JSON paths differ between
    SQLite and PostgreSQL."""
    rows = model._default_manager.exclude(
        Q(translation_provenance={}) | Q(status=Status.WITHDRAWN)
    ).only("pk", "translation_provenance", *_text_columns(model))
    return [record.pk for record in rows if provenance.unreviewed(record)]


def _text_columns(model) -> list[str]:
    return [
        f"{field}_{code}"
        for field in provenance.tracked_fields(model)
        for code in language_codes()
    ]


def status_table(record: Publishable | None) -> str:
    """The record's translation status, field by field and language by language:
    shown in its own block beside the language tabs of the change form."""
    if record is None or record.pk is None:
        return "-"
    rows = provenance.record_statuses(record)
    if not rows:
        return _("No translated text yet.")
    codes = language_codes()
    head = format_html_join(
        "", "<th scope='col'>{}</th>", ((c.upper(),) for c in codes)
    )
    body = format_html_join(
        "",
        "<tr><th scope='row'>{}</th>{}</tr>",
        (
            (
                str(type(record)._meta.get_field(field).verbose_name).capitalize(),
                format_html_join(
                    "", "<td>{}</td>", ((_describe(by_code[c]),) for c in codes)
                ),
            )
            for field, by_code in rows.items()
        ),
    )
    return format_html(
        "<table class='translation-status'><thead><tr><td></td>{}</tr></thead>"
        "<tbody>{}</tbody></table>",
        head,
        body,
    )


def _describe(state: dict[str, Any]) -> str:
    status = state["status"]
    label = str(provenance.TranslationStatus(status).label)
    if status in ("translated", "reviewed"):
        details = [f"from {state['from'].upper()}"]
        if state.get("by"):
            details.append(f"by {state['by']}")
        if state.get("on"):
            details.append(state["on"])
        if status == "reviewed" and state.get("reviewed_by"):
            details.append(f"reviewed by {state['reviewed_by']}")
        label = f"{label} ({', '.join(details)})"
    return label


# The report ------------------------------------------------------------------------


def may_read_report(user: Any) -> bool:
    """Any curator who may view some kind of record (Translators included)."""
    return bool(
        user.is_active
        and user.is_staff
        and any(
            user.has_perm(f"archive.{action}_{kind.name}")
            for kind in KINDS
            for action in ("view", "change")
        )
    )


def report_rows(completeness: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per kind and translated field, over published records: each language's
    count, percentage and a link to the records lacking it."""
    rows = []
    for row in completeness:
        kind = row["kind"]
        if row["with_text"]:
            rows.append(
                {
                    **row,
                    "kind": kind,
                    "label": _field_label(kind.model, row["field"]),
                    "cells": [
                        {
                            "code": code,
                            "filled": row["filled"][code],
                            "percent": provenance.percent(
                                row["filled"][code], row["with_text"]
                            ),
                            "gap": row["with_text"] - row["filled"][code],
                            "url": gap_url(kind.model, code, row["field"]),
                        }
                        for code in language_codes()
                    ],
                }
            )
    return rows


def _field_label(model, field: str) -> str:
    return (
        f"{str(model._meta.verbose_name).capitalize()} · "
        f"{model._meta.get_field(field).verbose_name}"
    )


def translation_report(request: HttpRequest) -> HttpResponse:
    """Translation completeness of published records, and each language's queue:
    what it lacks, biggest gaps and most visited first."""
    if not may_read_report(request.user):
        raise PermissionDenied
    queues = []
    completeness = provenance.all_completeness()
    for code in language_codes():
        queue = [
            {
                **row,
                "label": _field_label(row["model"], row["field"]),
                "url": gap_url(row["model"], code, row["field"]),
                "first": [
                    {**first, "url": change_url(row["model"], first["pk"])}
                    for first in row["first"]
                ],
            }
            for row in provenance.translation_queue(code, completeness)
        ]
        queues.append(
            {"code": code, "name": provenance.language_name(code), "rows": queue}
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Translations"),
        "languages": [c.upper() for c in language_codes()],
        "rows": report_rows(completeness),
        "queues": queues,
    }
    return TemplateResponse(request, "admin/archive/translations.html", context)


def dashboard_rows() -> list[dict[str, Any]]:
    """The dashboard's translation rows: each language's gaps over published
    records (to the report), and translations awaiting review per kind."""
    rows: list[dict[str, Any]] = []
    report = reverse("admin:archive_translations")
    completeness = provenance.all_completeness()
    for code in language_codes():
        queue = provenance.translation_queue(code, completeness)
        gaps = sum(row["missing"] for row in queue)
        if gaps:
            rows.append(
                {
                    "label": _("published texts not yet in %(language)s")
                    % {"language": provenance.language_name(code)},
                    "count": gaps,
                    "url": f"{report}#queue-{code}",
                }
            )
    for kind in KINDS:
        waiting = len(unreviewed_ids(kind.model))
        if waiting:
            rows.append(
                {
                    "label": _("%(name)s with translations awaiting review")
                    % {"name": kind.model._meta.verbose_name_plural},
                    "count": waiting,
                    "url": changelist_url(kind.model, translations="unreviewed"),
                }
            )
    return rows
