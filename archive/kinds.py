"""The one registry of record kinds: every list of kinds in the project reads it.

A record kind is a `Publishable` model curators publish. Its entry says how the rest
of the house refers to it: the `type` in API answers (the model name), the plural used
in web and API addresses and as the demo archive's file name, and the fields whose
words search finds, by weight. Adding a kind is one entry here plus its model, admin and API
presenter (see docs/architecture.md).

Languages come from `settings.LANGUAGES` only; `translated_columns` spells a
translated field's per-language columns for every module that reads rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.translation import get_language_info

from archive.models.base import Publishable
from archive.models.events import Event
from archive.models.exhibitions import Exhibition
from archive.models.figures import Figure
from archive.models.images import Image
from archive.models.organisations import Organisation
from archive.models.people import Person
from archive.models.places import Place
from archive.models.righteous import Recognition
from archive.models.sources import Source
from archive.models.testimonies import Testimony


@cache
def language_codes() -> tuple[str, ...]:
    """Content languages, in `settings.LANGUAGES` order (English first)."""
    return tuple(code for code, _name in settings.LANGUAGES)


def language_name(code: str | None) -> str:
    """A language code ("fr") as its name in the active language ("français" on a
    French page): the name in `settings.LANGUAGES` for a content language, else
    Django's (a source written in Polish), else the code itself. The one place
    language names come from."""
    if not code:
        return ""
    named = dict(settings.LANGUAGES).get(code)
    if named is not None:
        return str(named)
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def translated_columns(*names: str, prefix: str = "") -> list[str]:
    """`title` -> `title_en`, `title_fr`, ... (every field's columns, in order)."""
    return [f"{prefix}{name}_{code}" for name in names for code in language_codes()]


@dataclass(frozen=True)
class SearchFields:
    """The fields whose words search finds, by weight (translated fields by their
    base name; every language is indexed). A: names and titles; B: summaries,
    captions, alt text and descriptions; C: stories, biographies and long texts.
    The first field of `a` is the record's title. Texts of a record's parts (name
    variants, segments, transcripts) are added by `archive.search.documents`."""

    a: tuple[str, ...]
    b: tuple[str, ...] = ()
    c: tuple[str, ...] = ()
    #: The date column whose decade is the record's decade facet, if any.
    date: str | None = "date_earliest"


@dataclass(frozen=True)
class RecordKind:
    """How the house refers to one kind of record."""

    #: The `type` in API answers; also the model name.
    name: str
    model: type[Publishable]
    #: The address segment on the site and in the API, and the demo file's name.
    plural: str
    #: What search indexes of it (see SearchFields).
    search: SearchFields


#: Every record kind, in the order curators meet them (admin, API root, changes).
KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "recognition",
        Recognition,
        "recognitions",
        SearchFields(a=("title", "file_number"), c=("story",)),
    ),
    RecordKind(
        "person",
        Person,
        "people",
        SearchFields(
            a=("family_name", "given_names", "name_prefix"),
            c=("biography",),
            date=None,
        ),
    ),
    RecordKind(
        "testimony",
        Testimony,
        "testimonies",
        SearchFields(a=("title",), b=("summary",)),
    ),
    RecordKind(
        "image",
        Image,
        "images",
        SearchFields(a=("title", "creator"), b=("caption", "alt_text")),
    ),
    RecordKind(
        "source",
        Source,
        "sources",
        SearchFields(
            a=("title", "creators"),
            b=("description", "container_title"),
            c=("transcription",),
        ),
    ),
    RecordKind(
        "organisation",
        Organisation,
        "organisations",
        SearchFields(a=("name", "acronym"), b=("description",)),
    ),
    RecordKind(
        "place",
        Place,
        "places",
        SearchFields(a=("name",), b=("description",), date=None),
    ),
    RecordKind(
        "event",
        Event,
        "events",
        SearchFields(a=("title",), b=("description",)),
    ),
    RecordKind(
        "figure",
        Figure,
        "figures",
        SearchFields(a=("label",), c=("note",)),
    ),
    RecordKind(
        "exhibition",
        Exhibition,
        "exhibitions",
        SearchFields(a=("title", "subtitle"), b=("summary",), date="opens_on"),
    ),
)

BY_NAME: dict[str, RecordKind] = {kind.name: kind for kind in KINDS}
BY_MODEL: dict[type[Publishable], RecordKind] = {kind.model: kind for kind in KINDS}
#: Every concrete Publishable model, in the order of KINDS.
PUBLISHABLE_MODELS: tuple[type[Publishable], ...] = tuple(kind.model for kind in KINDS)
#: Parts of records that exhibition items may also point at (model names).
EXHIBITABLE_PARTS: tuple[str, ...] = ("testimonysegment",)
