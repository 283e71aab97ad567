"""References to records: `{id, type, title, web_url, api_url}`, from any row.

A page of 50 records holds hundreds of references, so `make_ref` is written by hand
for speed (one call, addresses made once per request); its schema component is
declared in `common.py` (`Ref`) and `tests/api/test_presenters.py` checks that the
two give the same keys.

Which columns a reference reads and how its title is made belong to each kind's
presenter (`RecordPresenter.title`); they are collected here as presenters register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import BooleanField, Case, Model, Q, Value, When

from archive import kinds
from archive.api.context import SAFE_SLUG, ApiContext
from archive.api.presenters.values import uuid_text
from archive.models.people import display_name

#: Record kind -> model, from the registry.
MODELS: dict[str, type[Model]] = {kind.name: kind.model for kind in kinds.KINDS}


@dataclass(frozen=True)
class Title:
    """How a kind's title is read from a row: the same for the record itself and
    for every reference to it."""

    #: The row columns it reads, unprefixed; the first is what references sort on.
    columns: tuple[str, ...]
    #: (ctx, row, prefix) -> the title (a language map or a string).
    value: Callable[[ApiContext, dict[str, Any], str], Any]

    @classmethod
    def translated(cls, name: str) -> Title:
        """A translated field: a language map, or a string with `?lang=`."""
        return cls(
            tuple(kinds.translated_columns(name)),
            lambda ctx, row, prefix: ctx.tr(row, name, prefix),
        )

    @classmethod
    def column(cls, name: str) -> Title:
        """An untranslated field, as stored (a source's own title)."""
        return cls((name,), lambda ctx, row, prefix: row[prefix + name])

    @classmethod
    def person(cls) -> Title:
        """A person's display name (`archive.models.people.display_name`)."""
        return cls(
            ("family_name", "given_names", "name_prefix"),
            lambda ctx, row, prefix: display_name(
                row[prefix + "name_prefix"],
                row[prefix + "given_names"],
                row[prefix + "family_name"],
            ),
        )


#: Record kind -> its title; filled by `register()` in base.py.
TITLES: dict[str, Title] = {}
#: Record kind -> the columns a reference to it reads (id, address, title).
REF_COLUMNS: dict[str, list[str]] = {}


def add_title(kind: str, title: Title) -> None:
    TITLES[kind] = title
    REF_COLUMNS[kind] = ["uuid", "slug", *title.columns]


def ref_columns(kind: str, prefix: str = "") -> list[str]:
    return [f"{prefix}{column}" for column in REF_COLUMNS[kind]]


def title_of(ctx: ApiContext, kind: str, row: dict[str, Any], prefix: str = "") -> Any:
    """The display title of any record: translated where the model translates it."""
    return TITLES[kind].value(ctx, row, prefix)


@lru_cache(maxsize=512)
def _keys(prefix: str) -> tuple[str, str]:
    return f"{prefix}uuid", f"{prefix}slug"


def make_ref(ctx: ApiContext, kind: str, row: dict[str, Any], prefix: str = "") -> dict:
    """A reference to the record whose columns are in `row` under `prefix`."""
    uuid_key, slug_key = _keys(prefix)
    uuid = uuid_text(row[uuid_key])
    web_before, web_after, api = ctx.addresses(kind)
    slug = row[slug_key]
    return {
        "id": uuid,
        "type": kind,
        "title": TITLES[kind].value(ctx, row, prefix),
        "web_url": web_before + slug + web_after
        if SAFE_SLUG.fullmatch(slug)
        else ctx.web_url(kind, slug),
        "api_url": f"{api}{uuid}/",
    }


def fk_ref(ctx: ApiContext, kind: str, row: dict[str, Any], fk: str) -> dict | None:
    """A single-field reference, or null when the requester may not see it (the row
    carries `<fk>_visible`, see `visible_flag`)."""
    if not row[f"{fk}_visible"]:
        return None
    return make_ref(ctx, kind, row, f"{fk}__")


def visible_flag(ctx: ApiContext, model: type[Model], fk: str) -> dict[str, Case]:
    """An annotation `<fk>_visible`: may the requester see the record `fk` points at?"""
    return {
        f"{fk}_visible": Case(
            When(ctx.audience.visible_q(model, f"{fk}__"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    }


def visible(kind: str, via: str | None = None) -> Callable[[ApiContext], Q]:
    """A relation's condition: the record of `kind` it reaches through `via` (the
    kind's name by default) is visible to the requester."""
    prefix = f"{via or kind}__"
    return lambda ctx: ctx.audience.visible_q(MODELS[kind], prefix)
