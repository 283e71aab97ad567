"""What changed since a moment, for offline kiosks: updates and tombstones.

An entry is `updated` when the record is visible to the client and changed at or
after `since` (fetch it again), and `removed` when the client could once see it and
no longer can: withdrawn, embargoed again, restricted, consent withdrawn, deleted
(delete your copy). "Could once see it" is the mark a record gets when it first
becomes visible (`first_public_at`, `first_exhibited_at`; deleted records: their
history), so a client is never told about a record it was never shown: an
exhibition-only record withdrawn today is no news to an anonymous kiosk, and its id
is not revealed.

Entries are ordered by change time, then type, then id; the cursor continues after
the last entry of the page. `since` is inclusive: an entry may repeat across syncs,
never be missed.
"""

from __future__ import annotations

import datetime
import heapq
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from archive import kinds
from archive.api import cursors
from archive.api.context import ApiContext, Audience
from archive.api.pagination import SHORTEST_MOMENT
from archive.api.presenters import MODELS
from archive.models import Access, Publishable, Status

CHANGE_KINDS = [kind.name for kind in kinds.KINDS]


def audience_access(audience: Audience) -> list[str]:
    if audience.is_public:
        return [Access.PUBLIC]
    return [Access.PUBLIC, Access.EXHIBITION]


def once_visible_q(
    model: type[Publishable], audience: Audience, today: datetime.date
) -> Q:
    """A condition on the model's history: a version this audience could see.

    A historical version counts when it was published, for this audience, within the
    privacy rules, and any embargo on it has passed by now.
    """
    queryset = model._default_manager.all()
    privacy = (
        queryset.privacy_rules()
        if audience.is_public
        else queryset.exhibition_privacy_rules()
    )
    return (
        Q(status=Status.PUBLISHED, access__in=audience_access(audience))
        & (Q(embargo_until__isnull=True) | Q(embargo_until__lte=today))
        & privacy
    )


def gone_for(
    model: type[Publishable], audience: Audience, today: datetime.date, uuid: Any
) -> bool:
    """Was this record withdrawn after this audience could see it? (410 Gone)

    The same rule as the public pages (`PublishableQuerySet.gone`): a record this
    audience never saw answers 404, exactly like an id that never existed."""
    return (
        model._default_manager.gone(exhibitions=not audience.is_public)
        .filter(uuid=uuid)
        .exists()
    )


@dataclass(frozen=True)
class Position:
    at: datetime.datetime
    kind: str
    pk: int

    def key(self) -> tuple:
        return (self.at, CHANGE_KINDS.index(self.kind), self.pk)


def encode_cursor(position: Position) -> str:
    return cursors.encode(
        "changes", [position.at.isoformat(), position.kind, position.pk]
    )


#: The shortest cursor the feed accepts (the schema's lower bound).
SHORTEST_CURSOR = cursors.encode(
    "changes", [SHORTEST_MOMENT, min(CHANGE_KINDS, key=len), 1]
)


def decode_cursor(cursor: str) -> Position:
    """The position of the last entry before the page, or a 400."""
    payload = cursors.decode(cursor, "changes")
    if not isinstance(payload, list) or len(payload) != 3:
        raise cursors.invalid()
    at, kind, pk = payload
    try:
        moment = datetime.datetime.fromisoformat(at)
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
    except (ValueError, TypeError, OverflowError) as error:
        raise cursors.invalid() from error
    if (
        moment.tzinfo is None
        or kind not in CHANGE_KINDS
        or isinstance(pk, bool)
        or not isinstance(pk, int)
        or not 0 < pk < 2**63
    ):
        raise cursors.invalid()
    return Position(moment, kind, pk)


def _after(kind: str, position: Position) -> Q:
    """Rows of `kind` after the position in (time, kind, id) order."""
    mine, theirs = CHANGE_KINDS.index(kind), CHANGE_KINDS.index(position.kind)
    if mine < theirs:
        return Q(updated_at__gt=position.at)
    if mine > theirs:
        return Q(updated_at__gte=position.at)
    return Q(updated_at__gt=position.at) | Q(updated_at=position.at, pk__gt=position.pk)


def _deleted_after(kind: str, position: Position) -> Q:
    mine, theirs = CHANGE_KINDS.index(kind), CHANGE_KINDS.index(position.kind)
    if mine < theirs:
        return Q(history_date__gt=position.at)
    if mine > theirs:
        return Q(history_date__gte=position.at)
    return Q(history_date__gt=position.at) | Q(
        history_date=position.at, id__gt=position.pk
    )


@dataclass
class ChangesPage:
    count: int
    results: list[dict]
    next_cursor: str | None


def changes(
    ctx: ApiContext,
    since: datetime.datetime | None,
    page_size: int,
    cursor: str | None,
) -> ChangesPage:
    audience, today = ctx.audience, ctx.today
    start = decode_cursor(cursor) if cursor else None
    streams = []
    count = 0
    for kind in CHANGE_KINDS:
        model = MODELS[kind]
        visible = ctx.audience.visible_q(model)
        live = model._default_manager.filter(
            visible
            | model._default_manager.all().once_shown_q(
                exhibitions=not audience.is_public
            )
        )
        if since is not None:
            live = live.filter(updated_at__gte=since)
        count += live.count()
        if start is not None:
            live = live.filter(_after(kind, start))
        rows = (
            live.annotate(
                visible_now=Case(
                    When(visible, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by("updated_at", "pk")
            .values_list("updated_at", "pk", "uuid", "visible_now")[: page_size + 1]
        )
        streams.append(
            [
                (Position(at, kind, pk), "updated" if shown else "removed", uuid)
                for at, pk, uuid, shown in rows
            ]
        )
        # Records deleted outright (the archive deletes softly, but an admin can).
        history = model.history.model
        deleted = history.objects.filter(history_type="-").filter(
            ~Q(id__in=model._default_manager.values("pk")),
            Exists(
                history.objects.filter(id=OuterRef("id")).filter(
                    once_visible_q(model, audience, today)
                )
            ),
        )
        if since is not None:
            deleted = deleted.filter(history_date__gte=since)
        count += deleted.count()
        if start is not None:
            deleted = deleted.filter(_deleted_after(kind, start))
        rows = deleted.order_by("history_date", "id").values_list(
            "history_date", "id", "uuid"
        )[: page_size + 1]
        streams.append(
            [(Position(at, kind, pk), "removed", uuid) for at, pk, uuid in rows]
        )
    merged = list(heapq.merge(*streams, key=lambda entry: entry[0].key()))[
        : page_size + 1
    ]
    more = len(merged) > page_size
    merged = merged[:page_size]
    results = [
        {
            "action": action,
            "type": position.kind,
            "id": str(uuid),
            "updated_at": position.at.isoformat(),
            "api_url": ctx.api_url(position.kind, uuid),
        }
        for position, action, uuid in merged
    ]
    next_cursor = encode_cursor(merged[-1][0]) if more and merged else None
    return ChangesPage(count=count, results=results, next_cursor=next_cursor)
