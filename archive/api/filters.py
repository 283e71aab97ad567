"""Allow-listed query parameters: filters per resource, and a strict check that
rejects anything else (an unknown, repeated or NUL-carrying parameter is a 400,
so a typo never silently returns the unfiltered list)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from archive import kinds
from archive import models as m
from archive.api import cursors
from archive.api.context import LANGUAGES, Audience
from archive.api.problems import InvalidParameter
from archive.search import matching_ids

MAX_PARAMETER_LENGTH = 500
#: Longer values allowed for some parameters: a cursor holds a sort value (a title).
MAX_LENGTHS = {"cursor": cursors.MAX_LENGTH}


def check_params(query: Any, allowed: Iterable[str]) -> None:
    """400 for a parameter that is not allowed here, repeated, too long or has NUL."""
    allowed = set(allowed)
    errors: dict[str, list[str]] = {}
    for key in query:
        values = query.getlist(key)
        if "\x00" in key or any("\x00" in value for value in values):
            errors[key.replace("\x00", "\\0")] = [_("NUL characters are not allowed.")]
        elif key not in allowed:
            errors[key] = [
                _("Unknown parameter. Allowed here: %(allowed)s.")
                % {"allowed": ", ".join(sorted(allowed)) or _("none")}
            ]
        elif len(values) > 1:
            errors[key] = [_("Give this parameter once.")]
        elif values[0] == "":
            errors[key] = [_("Give a value, or leave the parameter out.")]
        elif len(values[0]) > MAX_LENGTHS.get(key, MAX_PARAMETER_LENGTH):
            errors[key] = [_("This value is too long.")]
    if errors:
        raise InvalidParameter(errors)


def parse_lang(query: Any) -> str | None:
    lang = query.get("lang")
    if lang is None:
        return None
    if lang not in LANGUAGES:
        raise InvalidParameter(
            {"lang": [_("Use one of: %(codes)s.") % {"codes": ", ".join(LANGUAGES)}]}
        )
    return lang


def parse_page_size(query: Any, default: int, maximum: int) -> int:
    value = query.get("page_size")
    if value is None:
        return default
    try:
        size = int(value, 10) if value.strip().lstrip("-").isdigit() else None
    except ValueError:
        size = None
    if size is None or not 1 <= size <= maximum:
        raise InvalidParameter(
            {
                "page_size": [
                    _("Give a whole number from 1 to %(max)s.") % {"max": maximum}
                ]
            }
        )
    return size


@extend_schema_field({"type": "integer", "minimum": 1000, "maximum": 2200})
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 2200)
        super().__init__(*args, **kwargs)


class CountryField(forms.RegexField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(r"^[A-Za-z]{2}$", *args, **kwargs)


@extend_schema_field({"type": "string", "pattern": "^[A-Za-z]{2}$"})
class CountryFilter(django_filters.CharFilter):
    field_class = CountryField


@extend_schema_field(
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 100}
)
class CodeFilter(django_filters.CharFilter):
    """A code (slug): a role, a measure."""

    field_class = forms.SlugField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.UUID)
class RecordFilter(django_filters.UUIDFilter):
    """The id of another record, e.g. a place."""


def parse_moment(text: str) -> datetime.datetime | None:
    """An ISO 8601 moment with a time zone, in UTC; None if it is not one.

    In UTC because RFC 3339 allows offsets up to 23:59 and PostgreSQL only up to
    15:59; a moment that does not exist in UTC (year 1 at +23:00) is not valid.
    """
    from django.utils.dateparse import parse_datetime

    try:
        parsed = parse_datetime(text.strip())
        if parsed is None or parsed.tzinfo is None:
            return None
        return parsed.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None


class AwareDateTimeField(forms.DateTimeField):
    """ISO 8601 with a time zone (RFC 3339): a moment, not a wall-clock time."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        parsed = parse_moment(str(value))
        if parsed is None:
            raise forms.ValidationError(
                _("Give a moment with a time zone, e.g. 2025-05-08T00:00:00Z."),
                code="invalid",
            )
        return parsed


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentFilter(django_filters.Filter):
    field_class = AwareDateTimeField


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\x00]*$"}
)
class SearchTextFilter(django_filters.CharFilter):
    """Words to find, as in search (any text is accepted: it is never syntax)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)


class ArchiveFilterSet(django_filters.FilterSet):
    """Filters every list has: what changed since a moment (for offline sync)."""

    updated_since = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=gettext_lazy(
            "Only records changed at or after this moment (ISO 8601, e.g. "
            "2025-05-08T00:00:00Z)."
        ),
    )

    q = SearchTextFilter(
        method="filter_q",
        label=gettext_lazy(
            "Only records whose texts match these words (the search syntax of "
            "/api/v1/search/); the list keeps its ordering."
        ),
    )

    class Meta:
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        kind = kinds.BY_MODEL[queryset.model].name
        found = matching_ids(kind, value, self.audience)
        if found is None:
            return queryset.none()
        return queryset.filter(pk__in=RawSQL(*found))

    @property
    def audience(self) -> Audience:
        return Audience(getattr(self.request, "auth", None))

    def visible_pk(self, model: type[m.Publishable], uuid: Any) -> int | None:
        """The id of a visible record with this UUID, or None: filtering by a record
        the client may not see matches nothing, exactly like an unknown UUID."""
        return (
            model._default_manager.filter(self.audience.visible_q(model), uuid=uuid)
            .values_list("pk", flat=True)
            .first()
        )


def year_start(year: int) -> datetime.date:
    return datetime.date(year, 1, 1)


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


class RecognitionFilter(ArchiveFilterSet):
    country = CountryFilter(
        method="filter_country",
        label=gettext_lazy("Two-letter country code of the rescue, e.g. BE."),
    )
    year_from = YearFilter(
        method="filter_year_from",
        label=gettext_lazy("Recognised in or after this year."),
    )
    year_to = YearFilter(
        method="filter_year_to",
        label=gettext_lazy("Recognised in or before this year."),
    )
    place = RecordFilter(
        method="filter_place",
        label=gettext_lazy("Id of a place of rescue."),
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Recognition

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country_code=value.upper())

    def filter_year_from(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        # The recognition may have happened in or after the year: its latest
        # possible day is on or after 1 January.
        return queryset.filter(date_latest__gte=year_start(value))

    def filter_year_to(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(date_earliest__lte=year_end(value))

    def filter_place(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        pk = self.visible_pk(m.Place, value)
        return queryset.filter(places=pk) if pk else queryset.none()


class PersonFilter(ArchiveFilterSet):
    role = CodeFilter(
        method="filter_role",
        label=gettext_lazy("Code of a role, e.g. rescuer, rescued, witness."),
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Person

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            roles__vocabulary=m.Vocabulary.ROLE, roles__slug=value
        ).distinct()


class DateRangeFilterSet(ArchiveFilterSet):
    date_after = django_filters.DateFilter(
        field_name="date_latest",
        lookup_expr="gte",
        label=gettext_lazy("Only records dated on or after this day (YYYY-MM-DD)."),
    )
    date_before = django_filters.DateFilter(
        field_name="date_earliest",
        lookup_expr="lte",
        label=gettext_lazy("Only records dated on or before this day (YYYY-MM-DD)."),
    )


class EventFilter(DateRangeFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=m.EventKind.choices, label=gettext_lazy("Kind of event.")
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Event


class ImageFilter(ArchiveFilterSet):
    depicts = RecordFilter(
        method="filter_depicts",
        label=gettext_lazy("Id of a person, place or event the image shows."),
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Image

    def filter_depicts(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        for model, relation in (
            (m.Person, "depicted_people"),
            (m.Place, "depicted_places"),
            (m.Event, "depicted_events"),
        ):
            pk = self.visible_pk(model, value)
            if pk:
                return queryset.filter(**{relation: pk})
        return queryset.none()


class TestimonyFilter(DateRangeFilterSet):
    __test__ = False

    kind = django_filters.ChoiceFilter(
        choices=m.TestimonyKind.choices, label=gettext_lazy("Kind of testimony.")
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Testimony


class SourceFilter(DateRangeFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=m.SourceKind.choices, label=gettext_lazy("Kind of source (CSL type).")
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Source


class OrganisationFilter(ArchiveFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=m.OrganisationKind.choices,
        label=gettext_lazy("Kind of organisation."),
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Organisation


class PlaceFilter(ArchiveFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=m.PlaceKind.choices, label=gettext_lazy("Kind of place.")
    )
    parent = RecordFilter(
        method="filter_parent", label=gettext_lazy("Id of the larger place.")
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Place

    def filter_parent(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        pk = self.visible_pk(m.Place, value)
        return queryset.filter(parent=pk) if pk else queryset.none()


class FigureFilter(ArchiveFilterSet):
    measure = CodeFilter(
        label=gettext_lazy(
            "Code of the question figures answer; figures from different sources "
            "share it, e.g. mechelen-deported-jews."
        ),
    )

    class Meta(ArchiveFilterSet.Meta):
        model = m.Figure


class ExhibitionFilter(ArchiveFilterSet):
    class Meta(ArchiveFilterSet.Meta):
        model = m.Exhibition


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, after the strict parameter check.

    Paging through a list sends no filter at all; then the filter set (a form per
    request) is not built."""

    def filter_queryset(self, request, queryset, view):
        check_params(request.query_params, view.allowed_params())
        filter_names = view.filterset_class.base_filters
        if not any(name in request.query_params for name in filter_names):
            return queryset
        return super().filter_queryset(request, queryset, view)


def count_key_params(query: Any, filter_names: Iterable[str]) -> str:
    """The filter part of a request, normalised, for caching counts."""
    names = set(filter_names)
    text = "&".join(f"{key}={query[key]}" for key in sorted(query) if key in names)
    # Hashed: values (a search's words) may hold spaces and any character, which
    # cache keys may not.
    return hashlib.sha256(text.encode()).hexdigest() if text else ""
