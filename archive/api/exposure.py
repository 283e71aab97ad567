"""Who can see a row of archive content: the rule behind each audience's
Last-Modified (archive/api/caching.py).

The API shows a row to an audience only when the record whose answer holds it is
visible to that audience, and the records it links to as well (the presenters in archive/api/presenters/ apply
`visible_to()` in every query, to nested records too; a reference in a single
field, such as a rescued person's place, becomes null instead of hiding the row).
`RULES` states the same per model, as a condition on the model's own rows,
so a save, a delete or a change of links can tell with one query whether the
public, or exhibition apps, could see the row before or after it. Only then does
that audience's stamp move.

The rules lean towards "seen": a wrong "seen" moves Last-Modified for nothing (and
tells an observer that something changed), a wrong "unseen" would let clients keep
a stale copy (If-Modified-Since answering 304), which is worse. A model without a
rule counts as seen by everyone; tests/api/test_last_modified.py checks that every
content model has one, that saving any hidden row of the canary archive moves no
public stamp, and that saving any row of a public archive moves it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from operator import and_, or_

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from archive import models as m
from archive.api.context import ApiContext, Audience, prefixed
from archive.api.prepared import PreparedQuery
from archive.kinds import PUBLISHABLE_MODELS
from archive.models.versions import AUDIENCES

#: A condition on a model's rows: those the audience can see in some answer.
Rule = Callable[[Audience], Q]


def always(audience: Audience) -> Q:
    """Rows that may show anywhere (vocabulary terms): every change counts."""
    return Q()


def record(model: type[m.Publishable]) -> Rule:
    """A record's own row: visible now, or once shown. A withdrawn record that was
    public still shows, as a `removed` entry of the changes feed whose time moves
    when the record is saved."""

    def rule(audience: Audience) -> Q:
        shown = model._default_manager.all().once_shown_q(
            exhibitions=not audience.is_public
        )
        return audience.visible_q(model) | shown

    return rule


def visible(model: type[m.Publishable], prefix: str = "") -> Rule:
    """The record `prefix` leads to is visible (a nested record is left out, with
    its row, when it is not)."""
    return lambda audience: audience.visible_q(model, prefix)


def where(**conditions: object) -> Rule:
    return lambda audience: Q(**conditions)


def both(*rules: Rule) -> Rule:
    return lambda audience: reduce(and_, (rule(audience) for rule in rules))


def either(*rules: Rule) -> Rule:
    return lambda audience: reduce(or_, (rule(audience) for rule in rules))


def via(prefix: str, rule: Rule) -> Rule:
    """Another model's rule, across a relation (no subqueries in it)."""
    return lambda audience: prefixed(rule(audience), prefix)


def pointing_at(targets: Iterable[tuple[type[Model], Rule]]) -> Rule:
    """A generic relation (content type and object id) to a row its model's rule
    lets through. By app label and model name, as the presenters do."""
    targets = list(targets)

    def rule(audience: Audience) -> Q:
        return reduce(
            or_,
            (
                Q(
                    content_type__app_label=model._meta.app_label,
                    content_type__model=model._meta.model_name,
                )
                & Exists(
                    model._default_manager.filter(
                        target(audience), pk=OuterRef("object_id")
                    )
                )
                for model, target in targets
            ),
        )

    return rule


#: Open segments of visible testimonies (closed ones show nowhere).
SEGMENT = both(visible(m.Testimony, "testimony__"), where(is_closed=False))
#: Rescued people of visible recognitions, unnamed or visible themselves.
RESCUED = both(
    visible(m.Recognition, "recognition__"),
    either(where(person__isnull=True), visible(m.Person, "person__")),
)
ANY_RECORD = [(model, visible(model)) for model in PUBLISHABLE_MODELS]


def linked(
    owner: str, owner_rule: Rule, target: str, model: type[m.Publishable]
) -> Rule:
    """A many-to-many link: in the owner's answer when the far record is visible."""
    return both(via(f"{owner}__", owner_rule), visible(model, f"{target}__"))


RULES: dict[type[Model], Rule] = {
    **{model: record(model) for model in PUBLISHABLE_MODELS},
    m.Citation: both(pointing_at(ANY_RECORD), visible(m.Source, "source__")),
    m.Rescuer: both(
        visible(m.Recognition, "recognition__"),
        either(
            visible(m.Person, "person__"),
            both(
                lambda audience: ~Q(name_as_listed=""),
                visible(m.Source, "listed_in__"),
            ),
        ),
    ),
    m.RescuedPerson: RESCUED,
    m.EventParticipant: both(
        visible(m.Event, "event__"),
        either(
            visible(m.Person, "person__"), visible(m.Organisation, "organisation__")
        ),
    ),
    m.Membership: both(
        visible(m.Person, "person__"), visible(m.Organisation, "organisation__")
    ),
    m.NameVariant: visible(m.Person, "person__"),
    m.TestimonyParticipant: both(
        visible(m.Testimony, "testimony__"), visible(m.Person, "person__")
    ),
    m.TestimonySegment: SEGMENT,
    m.Transcript: both(visible(m.Testimony, "testimony__"), where(is_public=True)),
    m.ExhibitionSection: visible(m.Exhibition, "exhibition__"),
    m.ExhibitionItem: both(
        visible(m.Exhibition, "section__exhibition__"),
        pointing_at([*ANY_RECORD, (m.TestimonySegment, SEGMENT)]),
    ),
    m.Rendition: visible(m.Image, "image__"),
    m.Term: always,
    # Many-to-many links (their rows change through m2m_changed only).
    m.Event.places.through: linked("event", visible(m.Event), "place", m.Place),
    m.Organisation.places.through: linked(
        "organisation", visible(m.Organisation), "place", m.Place
    ),
    m.Recognition.places.through: linked(
        "recognition", visible(m.Recognition), "place", m.Place
    ),
    m.Image.depicted_people.through: linked(
        "image", visible(m.Image), "person", m.Person
    ),
    m.Image.depicted_places.through: linked(
        "image", visible(m.Image), "place", m.Place
    ),
    m.Image.depicted_events.through: linked(
        "image", visible(m.Image), "event", m.Event
    ),
    m.TestimonySegment.people.through: linked(
        "testimonysegment", SEGMENT, "person", m.Person
    ),
    m.TestimonySegment.places.through: linked(
        "testimonysegment", SEGMENT, "place", m.Place
    ),
    m.TestimonySegment.events.through: linked(
        "testimonysegment", SEGMENT, "event", m.Event
    ),
    m.Person.roles.through: visible(m.Person, "person__"),
    m.TestimonySegment.keywords.through: via("testimonysegment__", SEGMENT),
    m.RescuedPerson.help_kinds.through: via("rescuedperson__", RESCUED),
}


def audiences_seeing(model: type[Model], pks: Iterable[int]) -> set[str]:
    """The audiences that can see any of these rows of `model` (none when they do
    not exist), with one prepared query: a record's rule is built and compiled
    once a day, not on every save (the generic relations' rules cost milliseconds
    to compile and microseconds to run)."""
    rule = RULES.get(model, always)
    if rule is always:
        return set(AUDIENCES)
    pks = list(pks)
    if not pks:
        return set()
    query = _flag_queries.get(model)
    if query is None:
        query = _flag_queries[model] = _flag_query(model, rule)
    # Both audiences' flags come from one query; the context only supplies the day.
    ctx = ApiContext(audience=Audience(), lang=None, base="")
    seen: set[str] = set()
    for row in query.rows(ctx, pks):
        seen.update(key for key in AUDIENCES if row[f"seen_by_{key}"])
    return seen


_flag_queries: dict[type[Model], PreparedQuery] = {}


def _flag_query(model: type[Model], rule: Rule) -> PreparedQuery:
    def build(ctx: ApiContext, ids: list[int]) -> QuerySet:
        flags = {
            f"seen_by_{key}": Case(
                When(rule(Audience.named(key)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for key in AUDIENCES
        }
        return (
            model._default_manager.filter(pk__in=ids)
            .order_by()
            .annotate(**flags)
            .values(*flags)
        )

    return PreparedQuery(f"seen.{model._meta.label_lower}", build)
