"""What every public record shares: publication state, visibility and uncertain dates.

`Publishable` carries the publishing workflow and the access level; its queryset is the
one place that decides what the public, an exhibition client or staff may see.
`Dated` stores an EDTF date string and derives indexed earliest/latest bounds from it.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from archive.edtf import edtf_bounds, validate_edtf

if TYPE_CHECKING:
    from archive.models.clients import ApiClient


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Access(models.TextChoices):
    PUBLIC = "public", _("Public")
    EXHIBITION = "exhibition", _("Exhibition clients only")
    STAFF = "staff", _("Staff only")


class PublishableQuerySet(models.QuerySet):
    """The visibility vocabulary. Every public surface starts from `public()`."""

    def published(self) -> PublishableQuerySet:
        """Published and past any embargo; access level not yet considered."""
        return self.filter(self.published_q())

    def published_q(self) -> Q:
        """The condition behind `published()`, as a Q (an embargo ends at midnight)."""
        today = timezone.localdate()
        return Q(status=Status.PUBLISHED) & (
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=today)
        )

    def privacy_rules(self) -> Q:
        """Extra conditions a model adds for any audience outside staff.

        Overridden by models with their own privacy rules (living people, testimonies
        whose witness withdrew consent).
        """
        return Q()

    def exhibition_privacy_rules(self) -> Q:
        """Privacy conditions for exhibition clients; the public rules by default."""
        return self.privacy_rules()

    def public(self) -> PublishableQuerySet:
        """What an anonymous visitor may see on the web, in the API and in search."""
        return self.filter(self.visible_q(None))

    def visible_to(self, client: ApiClient | None) -> PublishableQuerySet:
        """What an API client may see: exhibition-tier clients also get exhibition
        records; nothing else changes with a key (never drafts or staff-only)."""
        return self.filter(self.visible_q(client))

    def visible_q(self, client: ApiClient | None) -> Q:
        """The condition behind `public()` and `visible_to()`, as a Q.

        The API applies it across joins (a rescuer's person, a citation's source) so
        nested records are filtered in the same query that loads them.
        """
        if client is not None and client.sees_exhibition_records:
            return self.exhibition_visible_q()
        return self.public_q()

    def public_q(self) -> Q:
        """What an anonymous visitor may see, as a Q."""
        return self.published_q() & Q(access=Access.PUBLIC) & self.privacy_rules()

    def exhibition_visible_q(self) -> Q:
        """What an exhibition-tier client may see, as a Q."""
        return (
            self.published_q()
            & Q(access__in=[Access.PUBLIC, Access.EXHIBITION])
            & self.exhibition_privacy_rules()
        )

    def once_shown_q(self, *, exhibitions: bool = False) -> Q:
        """Records this audience has been able to see at some time (recorded by
        `Publishable.save`). A withdrawn record matching it answers 410 Gone; any
        other hidden record answers 404, exactly like an address that never existed.
        Exhibition clients also see public records, so either mark counts for them.
        """
        if exhibitions:
            return Q(first_public_at__isnull=False) | Q(
                first_exhibited_at__isnull=False
            )
        return Q(first_public_at__isnull=False)

    def gone(self, *, exhibitions: bool = False) -> PublishableQuerySet:
        """Withdrawn records that this audience once saw (410 rather than 404)."""
        return self.filter(
            Q(status=Status.WITHDRAWN) & self.once_shown_q(exhibitions=exhibitions)
        )

    def needing_review(self) -> PublishableQuerySet:
        return self.filter(status=Status.REVIEW)

    def synthetic(self) -> PublishableQuerySet:
        return self.filter(is_synthetic=True)


class Publishable(models.Model):
    """Abstract base for every record the public may eventually see."""

    uuid = models.UUIDField(
        _("public identifier"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_(
            "Stable identifier used by the API and in citations; never changes."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=False,
        blank=True,
        help_text=_(
            "The last part of the record's web address. Filled in from the title when "
            "left empty; avoid changing it once published, links depend on it."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Draft: being written. In review: waiting for an editor. Published: visible "
            "to its audience. Withdrawn: taken down; the address answers 'gone'."
        ),
    )
    access = models.CharField(
        _("access"),
        max_length=16,
        choices=Access.choices,
        default=Access.PUBLIC,
        db_index=True,
        help_text=_(
            "Who may see the record once published: everyone, only authorised "
            "exhibition apps, or only staff."
        ),
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the record is first published."),
    )
    embargo_until = models.DateField(
        _("embargo until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Keep the record hidden until this date, even when published."),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Publish the record automatically at this date and time (Brussels time). "
            "Only someone allowed to publish may set it; the record is published in "
            "their name, through the same checks as the Publish action."
        ),
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who set the publication time; the record is published as them."),
    )
    content_warning = models.TextField(
        _("content warning"),
        blank=True,
        help_text=_(
            "Shown before the record to warn readers of distressing material, for "
            "example 'This testimony describes violence against children.'"
        ),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        db_index=True,
        editable=False,
        help_text=_("Generated for load tests; not real history. Never in the demo."),
    )
    first_public_at = models.DateTimeField(
        _("first public at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the public could first see the record. Once withdrawn, a record that "
            "was public answers 'gone'; one that never was answers 'not found', like "
            "an address that never existed."
        ),
    )
    first_exhibited_at = models.DateTimeField(
        _("first shown to exhibition apps at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When authorised exhibition apps could first see the record."),
    )
    translation_provenance = models.JSONField(
        _("translation provenance"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Per translated field: which language is the original and, for each "
            "other language, who translated it, when, and who reviewed it. Kept by "
            "the archive when a translation is saved; see archive/provenance.py."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    citations = GenericRelation("archive.Citation")

    objects = PublishableQuerySet.as_manager()

    #: Models whose records need at least one citation before they are published.
    requires_citation = False

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = self.unique_slug()
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self._note_first_sight(before_save=True)
        super().save(*args, **kwargs)
        self._note_first_sight(before_save=False)

    def _note_first_sight(self, *, before_save: bool) -> None:
        """Record the first moment the public (or exhibition apps) could see this
        record: checked on the stored row before a save (it may have become visible
        without a save, when an embargo lapsed) and after it. Written with a plain
        update after the save, so the save's own history row stays the one change.
        """
        if self.pk is None or (self.first_public_at and self.first_exhibited_at):
            return
        if not before_save and self.status != Status.PUBLISHED:
            return  # the row just stored is this one: no audience sees it
        manager = type(self)._default_manager
        stored = (
            manager.filter(pk=self.pk)
            .annotate(
                _public=_flag(manager.all().public_q()),
                _exhibited=_flag(manager.all().exhibition_visible_q()),
            )
            .values_list(
                "_public", "_exhibited", "first_public_at", "first_exhibited_at"
            )
            .first()
        )
        if stored is None:
            return
        public, exhibited, public_at, exhibited_at = stored
        # A stale instance must not write its empty mark over one already stored.
        self.first_public_at = self.first_public_at or public_at
        self.first_exhibited_at = self.first_exhibited_at or exhibited_at
        now = timezone.now()
        marks = {}
        if public and self.first_public_at is None:
            marks["first_public_at"] = now
        if exhibited and self.first_exhibited_at is None:
            marks["first_exhibited_at"] = now
        for name, value in marks.items():
            setattr(self, name, value)
        if marks and not before_save:
            manager.filter(pk=self.pk).update(**marks)

    def slug_source(self) -> str:
        """The text a slug is made from; the record's title by default."""
        return str(self)

    def unique_slug(self) -> str:
        base = slugify(self.slug_source())[:180] or self._meta.model_name
        slug, counter = base, 2
        manager = type(self)._default_manager
        while manager.filter(slug=slug).exclude(pk=self.pk).exists():
            slug = f"{base}-{counter}"
            counter += 1
        return slug

    @property
    def is_public(self) -> bool:
        return type(self)._default_manager.public().filter(pk=self.pk).exists()

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    def publication_problems(self) -> list[str]:
        """What stops this record from being published, in words a curator can act on.

        Subclasses extend the list; an empty list means the record may be published.
        """
        problems: list[str] = []
        if self.requires_citation and (self.pk is None or not self.citations.exists()):
            problems.append(str(_("at least one citation of a source")))
        return problems

    def record_label(self) -> str:
        """'Image 12' style label used in messages to curators."""
        return f"{self._meta.verbose_name.capitalize()} {self.pk}"


def _flag(condition: Q) -> models.Case:
    return models.Case(
        models.When(condition, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


def workflow_permissions(model_name: str) -> list[tuple[str, str]]:
    """The publishing workflow's permissions for one model (used in each Meta).

    Model-specific codenames, because Django checks permissions as
    'app_label.codename' and a shared codename would grant every model at once.
    """
    return [
        (f"review_{model_name}", f"Can review and edit others' {model_name} records"),
        (f"publish_{model_name}", f"Can publish and withdraw {model_name} records"),
        (
            f"translate_{model_name}",
            f"Can translate {model_name} records in any state (translations only)",
        ),
    ]


def validate_edtf_field(value: str) -> None:
    """Model-field validator wrapping `validate_edtf` for Django forms."""
    validate_edtf(value)


class Dated(models.Model):
    """Abstract base for records with an (often uncertain) date.

    The curator writes EDTF (`1943-04-19`, `1942-08~`, `1942-07/1944-09`, `[1967,1968]`
    for 'one of these years'); the earliest and latest possible days are derived on
    save and indexed, so lists sort and filter by date without parsing.
    """

    date_edtf = models.CharField(
        _("date (EDTF)"),
        max_length=100,
        blank=True,
        validators=[validate_edtf_field],
        help_text=_(
            "Extended Date/Time Format: 1943-04-19; 1942-08 (a month); 1942-08~ (about); "
            "1942? (uncertain); 1942-07/1944-09 (a period); [1967,1968] (one of)."
        ),
    )
    date_display = models.CharField(
        _("date as shown"),
        max_length=120,
        blank=True,
        help_text=_("How the date reads on the page, e.g. 'spring 1943'. Optional."),
    )
    date_earliest = models.DateField(
        _("earliest date"), null=True, blank=True, editable=False, db_index=True
    )
    date_latest = models.DateField(
        _("latest date"), null=True, blank=True, editable=False, db_index=True
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_date_bounds()
        super().save(*args, **kwargs)

    def derive_date_bounds(self) -> None:
        self.date_earliest, self.date_latest = edtf_bounds(self.date_edtf)

    def clean(self) -> None:
        super().clean()
        try:
            self.derive_date_bounds()
        except ValidationError as error:
            raise ValidationError({"date_edtf": error.messages}) from error


def date_range_constraint(prefix: str, model_name: str) -> models.CheckConstraint:
    """A database rule that a derived earliest date is never after the latest."""
    earliest, latest = f"{prefix}_earliest", f"{prefix}_latest"
    return models.CheckConstraint(
        condition=Q(**{f"{earliest}__isnull": True})
        | Q(**{f"{latest}__isnull": True})
        | Q(**{f"{earliest}__lte": models.F(latest)}),
        name=f"{model_name}_{prefix}_earliest_lte_latest",
    )


def today() -> datetime.date:
    return timezone.localdate()
