"""Keeping the search word index (archive.models.SearchToken) in step with records.

Every save of a record (and of a person's name variants) re-indexes that record in
the same transaction; `manage.py rebuild_search_index` rebuilds everything, for data
written in bulk (bulk_create and update() send no signals).

Words come from titles and names in every language (and file numbers, acronyms,
authors, name variants): lower-cased, accents removed, split at anything that is
not a letter or a digit (of any script).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from archive import kinds
from archive import models as m

MAX_TOKEN = 64
#: Letters and digits of any script (Hebrew and Cyrillic names too).
WORD = re.compile(r"[^\W_]+")
#: Letters that do not decompose into a base letter and an accent.
LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
)


#: Kind -> (model, the columns whose words are indexed), in search order.
INDEXED: dict[str, tuple[type[m.Publishable], list[str]]] = {
    name: (kinds.BY_NAME[name].model, list(kinds.BY_NAME[name].search_columns))
    for name in kinds.SEARCH_ORDER
}
KIND_OF = {model: kind for kind, (model, _columns) in INDEXED.items()}


def words(text: str | None) -> set[str]:
    """'Liège, 1943' -> {'liege', '1943'}."""
    if not text:
        return set()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return {word[:MAX_TOKEN] for word in WORD.findall(plain)}


def query_words(text: str) -> list[str]:
    """The words of a search, longest first (the most selective lookup first)."""
    return sorted(words(text), key=len, reverse=True)


def index(kind: str, ids: Iterable[int]) -> int:
    """(Re)index these records of one kind; returns the number of words stored."""
    ids = list(ids)
    if not ids:
        return 0
    model, columns = INDEXED[kind]
    extra: dict[int, list[str]] = {}
    if kind == "person":
        for person_id, name in m.NameVariant.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "name"):
            extra.setdefault(person_id, []).append(name)
    rows: list[m.SearchToken] = []
    for values in model._default_manager.filter(pk__in=ids).values("pk", *columns):
        found: set[str] = set()
        for column in columns:
            found |= words(values[column])
        for name in extra.get(values["pk"], []):
            found |= words(name)
        rows.extend(
            m.SearchToken(kind=kind, object_id=values["pk"], token=token)
            for token in found
        )
    with transaction.atomic():
        m.SearchToken.objects.filter(kind=kind, object_id__in=ids).delete()
        m.SearchToken.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def index_all_from(apps: Any, schema_editor: Any = None) -> None:
    """Data migration: index the records already in the database (historical
    models, so it runs at that point of the migration history)."""
    token_model = apps.get_model("archive", "SearchToken")
    variant_model = apps.get_model("archive", "NameVariant")
    for kind, (model, columns) in INDEXED.items():
        historical = apps.get_model("archive", model._meta.model_name)
        extra: dict[int, list[str]] = {}
        if kind == "person":
            for person_id, name in variant_model.objects.values_list(
                "person_id", "name"
            ):
                extra.setdefault(person_id, []).append(name)
        rows = []
        for values in historical.objects.values("pk", *columns).iterator():
            found: set[str] = set()
            for column in columns:
                found |= words(values[column])
            for name in extra.get(values["pk"], []):
                found |= words(name)
            rows.extend(
                token_model(kind=kind, object_id=values["pk"], token=token)
                for token in found
            )
        token_model.objects.bulk_create(rows, batch_size=2000)


def rebuild(batch: int = 2000, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Index every record again (after bulk writes); returns words per kind."""
    counts: dict[str, int] = {}
    for kind in kinds or INDEXED:
        model = INDEXED[kind][0]
        with transaction.atomic():
            m.SearchToken.objects.filter(kind=kind).delete()
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        counts[kind] = sum(
            index(kind, ids[start : start + batch])
            for start in range(0, len(ids), batch)
        )
    # Searches answered from the response cache may have changed.
    m.ArchiveVersion.bump()
    return counts


def on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    kind = KIND_OF.get(sender)
    if kind is not None:
        index(kind, [instance.pk])
    elif sender is m.NameVariant:
        index("person", [instance.person_id])


def on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    kind = KIND_OF.get(sender)
    if kind is not None:
        m.SearchToken.objects.filter(kind=kind, object_id=instance.pk).delete()
    elif (
        sender is m.NameVariant
        and m.Person.objects.filter(pk=instance.person_id).exists()
    ):
        index("person", [instance.person_id])
