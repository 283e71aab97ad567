"""Testimonies: written, audio and video accounts, with consent, segments, transcripts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models.base import (
    Dated,
    Publishable,
    PublishableQuerySet,
    date_range_constraint,
    workflow_permissions,
)
from archive.storage import private_storage


class TestimonyKind(models.TextChoices):
    WRITTEN = "written", _("Written statement")
    AUDIO = "audio", _("Audio recording")
    VIDEO = "video", _("Video recording")
    LETTER = "letter", _("Letter")
    DIARY = "diary", _("Diary")


class ConsentScope(models.TextChoices):
    ONLINE = "online", _("Online and in exhibitions")
    EXHIBITION = "exhibition", _("In exhibitions only")
    RESEARCH = "research", _("Research on request only")


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the witness")
    HEIR = "heir", _("Consent of the heirs")
    PUBLISHED = "published", _("Already published by the witness or a source")
    ARCHIVAL = "archival", _("Archiving in the public interest")


class TestimonyQuerySet(PublishableQuerySet):
    def privacy_rules(self) -> Q:
        """Online only with consent for online use that was never withdrawn."""
        return Q(consent_withdrawn_on__isnull=True, consent_scope=ConsentScope.ONLINE)

    def exhibition_privacy_rules(self) -> Q:
        return Q(
            consent_withdrawn_on__isnull=True,
            consent_scope__in=[ConsentScope.ONLINE, ConsentScope.EXHIBITION],
        )


class Testimony(Publishable, Dated):
    """An account by a witness. The Dated fields hold the date it was given."""

    __test__ = False  # not a pytest test class despite the name

    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("What the witness tells, in your own words."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TestimonyKind.choices)
    witness = models.ForeignKey(
        "archive.Person",
        verbose_name=_("witness"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="testimonies",
    )
    place = models.ForeignKey(
        "archive.Place",
        verbose_name=_("where it was given"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="testimonies",
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        help_text=_(
            "Languages spoken or written, as codes separated by commas: fr, nl."
        ),
    )
    duration_seconds = models.PositiveIntegerField(
        _("duration (seconds)"), null=True, blank=True
    )
    media_file = models.FileField(
        _("media file"), upload_to="testimonies/", storage=private_storage, blank=True
    )
    media_url = models.URLField(
        _("media web address"),
        max_length=1000,
        blank=True,
        help_text=_("Where the recording or text is held online, if elsewhere."),
    )
    holding_institution = models.CharField(
        _("holding institution"), max_length=300, blank=True
    )
    external_id = models.CharField(
        _("external identifier"),
        max_length=200,
        blank=True,
        help_text=_("The testimony's number at the holding institution."),
    )
    consent_basis = models.CharField(
        _("lawful basis"),
        max_length=12,
        choices=ConsentBasis.choices,
        default=ConsentBasis.CONSENT,
    )
    consent_scope = models.CharField(
        _("consent scope"),
        max_length=12,
        choices=ConsentScope.choices,
        default=ConsentScope.RESEARCH,
        help_text=_("Where the testimony may be shown. Research-only is never shown."),
    )
    consent_withdrawn_on = models.DateField(
        _("consent withdrawn on"),
        null=True,
        blank=True,
        help_text=_(
            "When the witness withdrew consent; the testimony is hidden at once."
        ),
    )

    objects = TestimonyQuerySet.as_manager()

    requires_citation = True

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        permissions = workflow_permissions("testimony")
        ordering = ["title"]
        constraints = [date_range_constraint("date", "testimony")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:testimony-detail", kwargs={"slug": self.slug})

    def publication_problems(self) -> list[str]:
        problems = super().publication_problems()
        if self.consent_withdrawn_on:
            problems.append(str(_("consent (it was withdrawn)")))
        elif self.consent_scope == ConsentScope.RESEARCH:
            problems.append(str(_("consent for online or exhibition use")))
        return problems


class TestimonyParticipant(models.Model):
    class Role(models.TextChoices):
        WITNESS = "witness", _("Witness")
        INTERVIEWER = "interviewer", _("Interviewer")
        TRANSLATOR = "translator", _("Translator")
        CAMERA = "camera", _("Camera or sound")
        PRESENT = "present", _("Also present")

    testimony = models.ForeignKey(
        Testimony, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "archive.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="testimony_participations",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["testimony", "person", "role"],
                name="testimony_participant_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class TestimonySegment(models.Model):
    """A time-coded part of a testimony. Closed segments are never public."""

    testimony = models.ForeignKey(
        Testimony,
        verbose_name=_("testimony"),
        on_delete=models.CASCADE,
        related_name="segments",
    )
    start_seconds = models.PositiveIntegerField(_("starts at (seconds)"))
    end_seconds = models.PositiveIntegerField(_("ends at (seconds)"))
    title = models.CharField(_("title"), max_length=255)
    synopsis = models.TextField(_("synopsis"), blank=True)
    keywords = models.ManyToManyField(
        "archive.Term", verbose_name=_("keywords"), blank=True, related_name="segments"
    )
    people = models.ManyToManyField(
        "archive.Person",
        verbose_name=_("people named"),
        blank=True,
        related_name="segments",
    )
    places = models.ManyToManyField(
        "archive.Place",
        verbose_name=_("places named"),
        blank=True,
        related_name="segments",
    )
    events = models.ManyToManyField(
        "archive.Event",
        verbose_name=_("events named"),
        blank=True,
        related_name="segments",
    )
    is_closed = models.BooleanField(
        _("closed"),
        default=False,
        help_text=_("A closed segment is kept but never shown outside staff."),
    )

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["testimony", "start_seconds"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_seconds__gt=models.F("start_seconds")),
                name="segment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_seconds}-{self.end_seconds}s)"

    def clean(self) -> None:
        if (
            self.start_seconds is not None
            and self.end_seconds is not None
            and self.end_seconds <= self.start_seconds
        ):
            raise ValidationError(
                {
                    "end_seconds": _(
                        "The segment ends (%(end)ss) before or when it starts (%(start)ss)."
                    )
                    % {"end": self.end_seconds, "start": self.start_seconds}
                }
            )


class Transcript(models.Model):
    testimony = models.ForeignKey(
        Testimony,
        verbose_name=_("testimony"),
        on_delete=models.CASCADE,
        related_name="transcripts",
    )
    language = models.CharField(_("language"), max_length=35, help_text=_("e.g. fr"))
    is_translation = models.BooleanField(_("translation"), default=False)
    is_redacted = models.BooleanField(
        _("redacted"),
        default=False,
        help_text=_("Names or passages removed to protect people's privacy."),
    )
    is_public = models.BooleanField(
        _("may be shown"),
        default=False,
        help_text=_(
            "Tick when this transcript may be shown wherever the testimony is."
        ),
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        ordering = ["testimony", "language"]

    def __str__(self) -> str:
        return f"{self.testimony} [{self.language}]"
