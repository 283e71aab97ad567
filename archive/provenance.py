"""Translation provenance: per field of a record, which text is the original and
which a translation, by whom, when, and whether it was reviewed.

Stored on the record itself (`Publishable.translation_provenance`, a small JSON
object), so it travels with the record's history, revert and API row without a
join:

    {"story": {"original": "en",
               "fr": {"status": "translated", "by": "the archive", "on": "2026-12-03"},
               "nl": {"status": "reviewed", "by": "A. Curator", "on": "2026-12-01",
                      "reviewed_by": "B. Editor", "reviewed_on": "2026-12-02"}}}

What is *not* stored is derived, so it can never disagree with the text: a language
whose text is empty is "missing" (whatever the JSON says), the original language
(English unless noted) is "original", and a filled translation nobody recorded is
"translated" with no translator. Every reader (API, admin, public pages, reports)
asks `statuses()`.

Names of people, quotations and source titles are never translated: they are not
translated fields (`archive.translation`), and `NEVER_TRANSLATED` is the list the
tests hold that registry to.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from archive import kinds, visits
from archive import models as m
from archive.kinds import KINDS, language_codes
from archive.translation import TRANSLATED_FIELDS


class TranslationStatus(models.TextChoices):
    ORIGINAL = "original", _("original")
    TRANSLATED = "translated", _("translated")
    REVIEWED = "reviewed", _("reviewed")
    MISSING = "missing", _("missing")


#: Fields that hold a person's name, a quotation or a source's title: never
#: translated (a test checks that none of them is a translated field).
NEVER_TRANSLATED: dict[type[models.Model], tuple[str, ...]] = {
    m.Person: ("family_name", "given_names", "name_prefix"),
    m.NameVariant: ("name",),
    m.Rescuer: ("name_as_listed",),
    m.Source: ("title",),
    m.Citation: ("quotation",),
}

#: The long texts a visitor reads, per kind: the completeness table of issue 15.
LONG_TEXTS: dict[type[m.Publishable], str] = {
    m.Recognition: "story",
    m.Person: "biography",
    m.Event: "description",
    m.Organisation: "description",
    m.Place: "description",
    m.Source: "description",
    m.Figure: "note",
}

#: Who the demo archive names as translator, and the public note's wording for it.
ARCHIVE_TRANSLATOR = "the archive"


def tracked_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The record's translated fields, whose provenance is kept."""
    for registered, fields in TRANSLATED_FIELDS.items():
        if model is registered or issubclass(model, registered):
            return fields
    return ()


def default_language() -> str:
    return language_codes()[0]


language_name = kinds.language_name


def is_filled(text: Any) -> bool:
    """Empty or blank text is missing: never shown as an empty paragraph."""
    return bool(text and str(text).strip())


def original_language(provenance: Mapping[str, Any] | None, field: str) -> str:
    entry = (provenance or {}).get(field) or {}
    return entry.get("original") or default_language()


#: The statuses as plain strings: `statuses()` runs for every translated field of
#: every record on a page, and reading an enum member's value costs more than
#: the rest of its work.
_MISSING = TranslationStatus.MISSING.value
_ORIGINAL = TranslationStatus.ORIGINAL.value
_TRANSLATED = TranslationStatus.TRANSLATED.value


def statuses(
    provenance: Mapping[str, Any] | None, field: str, texts: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Each language's status for one field, from its stored provenance and its
    texts (`{"en": ..., "fr": ...}`). The answer's shape is the API's."""
    entry = (provenance or {}).get(field) or {}
    codes = language_codes()
    original = entry.get("original") or codes[0]
    answer: dict[str, dict[str, Any]] = {}
    for code in codes:
        if not is_filled(texts.get(code)):
            answer[code] = {"status": _MISSING}
        elif code == original:
            answer[code] = {"status": _ORIGINAL}
        else:
            noted = entry.get(code) or {}
            answer[code] = {
                "status": noted.get("status") or _TRANSLATED,
                "from": original,
                "by": noted.get("by"),
                "on": noted.get("on"),
                "reviewed_by": noted.get("reviewed_by"),
                "reviewed_on": noted.get("reviewed_on"),
            }
    return answer


def record_statuses(record: models.Model) -> dict[str, dict[str, dict[str, Any]]]:
    """`statuses()` for every tracked field of `record` that has text in some
    language (a field empty everywhere has nothing to translate)."""
    provenance = getattr(record, "translation_provenance", None) or {}
    answer = {}
    for field in tracked_fields(type(record)):
        texts = {
            code: getattr(record, f"{field}_{code}", None) for code in language_codes()
        }
        if any(is_filled(text) for text in texts.values()):
            answer[field] = statuses(provenance, field, texts)
    return answer


def translation_columns(record: models.Model) -> list[str]:
    """The columns a translator may write on this record: every tracked field in
    every language but the field's original."""
    provenance = getattr(record, "translation_provenance", None) or {}
    return [
        f"{field}_{code}"
        for field in tracked_fields(type(record))
        for code in language_codes()
        if code != original_language(provenance, field)
    ]


def split_column(record: models.Model, column: str) -> tuple[str, str] | None:
    """'story_fr' -> ('story', 'fr') when it is a tracked field's column."""
    field, _sep, code = column.rpartition("_")
    if field in tracked_fields(type(record)) and code in language_codes():
        return field, code
    return None


def note_translation(
    record: models.Model, column: str, *, by: str, on: datetime.date
) -> None:
    """Record that `column` (a translation) was written by `by` on `on`: a new
    translation is unreviewed until someone reviews it. Not saved here."""
    parts = split_column(record, column)
    if parts is None:
        return
    field, code = parts
    provenance = dict(record.translation_provenance or {})
    entry = dict(provenance.get(field) or {})
    if code == original_language(provenance, field):
        return
    entry.setdefault("original", original_language(provenance, field))
    entry[code] = {
        "status": TranslationStatus.TRANSLATED.value,
        "by": by,
        "on": on.isoformat(),
    }
    provenance[field] = entry
    record.translation_provenance = provenance


def set_original(record: models.Model, field: str, code: str) -> bool:
    """Say that `field` was written in `code` (a record first written in French):
    a note that `code` was a translation no longer holds. Whether it changed;
    not saved here."""
    provenance = dict(record.translation_provenance or {})
    if original_language(provenance, field) == code:
        return False
    entry = dict(provenance.get(field) or {})
    entry["original"] = code
    entry.pop(code, None)
    provenance[field] = entry
    record.translation_provenance = provenance
    return True


def marker(state: Mapping[str, Any]) -> str:
    """One language's status in words, for the admin beside its tab: "original",
    "translated by A. Curator on 2026-12-03", "reviewed by B. Editor on ...",
    "missing"."""
    status = state.get("status")
    if status == TranslationStatus.TRANSLATED:
        words = str(_("translated"))
        if state.get("by"):
            words += " " + str(_("by %(name)s") % {"name": state["by"]})
        if state.get("on"):
            words += " " + str(_("on %(day)s") % {"day": state["on"]})
        return words
    if status == TranslationStatus.REVIEWED:
        words = str(_("reviewed"))
        if state.get("reviewed_by"):
            words += " " + str(_("by %(name)s") % {"name": state["reviewed_by"]})
        if state.get("reviewed_on"):
            words += " " + str(_("on %(day)s") % {"day": state["reviewed_on"]})
        return words
    return str(TranslationStatus(status).label) if status else ""


def unreviewed(record: models.Model) -> list[str]:
    """Columns holding a translation nobody has reviewed yet."""
    found = []
    for field, by_language in record_statuses(record).items():
        for code, state in by_language.items():
            if state["status"] == TranslationStatus.TRANSLATED:
                found.append(f"{field}_{code}")
    return found


def note_reviewed(record: models.Model, *, by: str, on: datetime.date) -> list[str]:
    """Mark every unreviewed translation of the record reviewed; the columns it
    marked (none: nothing to save). Not saved here."""
    columns = unreviewed(record)
    provenance = dict(record.translation_provenance or {})
    for column in columns:
        field, code = split_column(record, column)
        entry = dict(provenance.get(field) or {})
        entry.setdefault("original", original_language(provenance, field))
        noted = dict(entry.get(code) or {"status": TranslationStatus.TRANSLATED})
        noted.update(
            status=TranslationStatus.REVIEWED.value,
            reviewed_by=by,
            reviewed_on=on.isoformat(),
        )
        entry[code] = noted
        provenance[field] = entry
    record.translation_provenance = provenance
    return columns


def person_label(user: Any) -> str:
    """How a curator is named in provenance: full name, else user name."""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full.strip() or str(user.get_username())


def person_names() -> list[str]:
    """Names of people the facts check looks for: family names (given names for
    people known by those alone, such as a queen) and recorded name variants."""
    names = set()
    for family, given in m.Person.objects.values_list("family_name", "given_names"):
        names.add(family or given)
    names.update(m.NameVariant.objects.values_list("name", flat=True))
    return sorted(name for name in names if name and len(name.strip()) > 2)


# Completeness ---------------------------------------------------------------------


def filled_q(column: str) -> Q:
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


def missing_q(field: str, code: str) -> Q:
    """A field with text in some language but none in `code`: a gap to translate."""
    others = Q(pk__in=[])
    for other in language_codes():
        if other != code:
            others |= filled_q(f"{field}_{other}")
    return others & ~filled_q(f"{field}_{code}")


def missing_any_q(model: type[models.Model], code: str) -> Q:
    """Any tracked field of the record lacks `code` while another language has it."""
    condition = Q(pk__in=[])
    for field in tracked_fields(model):
        condition |= missing_q(field, code)
    return condition


def completeness(
    model: type[m.Publishable], fields: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """For each field of `model`'s published records: how many records there are,
    how many have the field in some language, and how many in each language.
    One query for the whole model."""
    fields = list(fields if fields is not None else tracked_fields(model))
    aggregates: dict[str, Any] = {"records": Count("pk")}
    for field in fields:
        any_language = Q(pk__in=[])
        for code in language_codes():
            column = f"{field}_{code}"
            any_language |= filled_q(column)
            aggregates[f"{field}__{code}"] = Count("pk", filter=filled_q(column))
        aggregates[f"{field}__any"] = Count("pk", filter=any_language)
    counts = model._default_manager.published().aggregate(**aggregates)
    return [
        {
            "model": model,
            "field": field,
            "records": counts["records"],
            "with_text": counts[f"{field}__any"],
            "filled": {code: counts[f"{field}__{code}"] for code in language_codes()},
        }
        for field in fields
    ]


def all_completeness() -> list[dict[str, Any]]:
    """`completeness()` of every kind's translated fields (one query per kind)."""
    return [{**row, "kind": kind} for kind in KINDS for row in completeness(kind.model)]


def translation_queue(
    code: str, rows: list[dict[str, Any]] | None = None, *, most_read: int = 5
) -> list[dict[str, Any]]:
    """What `code` lacks, per kind and field, over published records: the biggest
    gaps first, then the most visited (page views of the records lacking it over
    the last 30 days, `archive.visits`). Each row also names its `most_read`
    records lacking the language, the most visited first (the translators'
    queue). `rows` from `all_completeness()`."""
    found = []
    for row in rows if rows is not None else all_completeness():
        gap = row["with_text"] - row["filled"][code]
        if gap <= 0:
            continue
        model = row["model"]
        lacking = list(
            model._default_manager.published()
            .filter(missing_q(row["field"], code))
            .values_list("pk", flat=True)
        )
        views = visits.recent(row["kind"].name, lacking)
        lacking.sort(key=lambda pk: (-views.get(pk, 0), pk))
        found.append(
            {
                **row,
                "missing": gap,
                "visits": sum(views.values()),
                "first": [
                    {"pk": pk, "visits": views.get(pk, 0)} for pk in lacking[:most_read]
                ],
            }
        )
    found.sort(
        key=lambda row: (
            -row["missing"],
            -row["visits"],
            row["kind"].name,
            row["field"],
        )
    )
    return found


def percent(part: int, whole: int) -> int | None:
    return None if not whole else int(100 * part / whole)
