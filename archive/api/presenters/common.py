"""Shapes several kinds of record share: vocabulary terms and citations."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Subquery
from rest_framework import serializers as s

from archive import kinds
from archive import models as m
from archive.api.presenters.members import Many, RefTo, Related, Text, Translated, Value
from archive.api.presenters.refs import visible
from archive.api.presenters.shapes import Shape

Term = Shape(
    "Term",
    (
        Value("slug", s.CharField(read_only=True)),
        Value(
            "vocabulary",
            s.ChoiceField(choices=m.Vocabulary.choices, read_only=True),
        ),
        Translated("label"),
        Text(
            "uri",
            column="external_uri",
            help_text="The same concept in a shared vocabulary.",
        ),
    ),
)


class Terms(Many):
    """Terms across a many-to-many table (`<owner>_id`, `term_id`), by label."""

    def __init__(self, name: str, *, through: type[Model], owner: str) -> None:
        first_label = kinds.translated_columns("label", prefix="term__")[0]
        super().__init__(
            name,
            Term,
            Related(through, f"{owner}_id", order=(first_label, "term_id")),
            prefix="term__",
        )


Citation = Shape(
    "Citation",
    (
        RefTo("source", "source"),
        Text(
            "field",
            column="field_name",
            help_text="The field this source supports; null: the whole record.",
        ),
        Text("locator", help_text="Where in the source: page, folio, timecode."),
        Text("quotation", help_text="A passage of the source, copied exactly."),
        Text("note"),
    ),
)


def content_type_of(model: type[Model]) -> Subquery:
    """The content type id of `model`, as a subquery the database runs once per
    query.

    By app label and model name rather than by id: the compiled query outlives
    any one database's content type ids. Not a join to the content types either:
    inside a recognition's row (PostgreSQL, inline.py) the join was a scan of
    django_content_type for each of the page's 50 rows; an uncorrelated subquery
    is one scan per query (an InitPlan), after which the citations are read by
    (content type, object) in their index."""
    return Subquery(
        ContentType.objects.filter(
            app_label=model._meta.app_label, model=model._meta.model_name
        ).values("pk")
    )


def citations(model: type[Model]) -> Many:
    """The visible sources a record cites, in the curator's order."""
    return Many(
        "citations",
        Citation,
        Related(
            m.Citation,
            "object_id",
            order=("position", "id"),
            where=visible("source"),
            filter={"content_type": content_type_of(model)},
        ),
    )
