"""Images with attribution, and their renditions.

The original file is evidence: kept byte-exact in private storage under a generated
name. The public only ever sees renditions. As in Wagtail, an image finds and makes
its own renditions (`Image.get_rendition`), through the storages and the pure pixel
code in archive/renditions.py; what follows a save (renditions made public or
private, crops dropped when the focal point moves) is wired in archive/effects.py.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
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
from archive.renditions import (
    Rendered,
    RenditionError,
    parse_format,
    parse_spec,
    render,
)
from archive.storage import (
    PRIVATE_RENDITIONS,
    PUBLIC_RENDITIONS,
    generated_name,
    is_private_rendition,
    original_upload_to,
    private_storage,
    rendition_storage,
    rendition_upload_to,
    save_with_transaction,
)

logger = logging.getLogger(__name__)


class Rights(models.TextChoices):
    """Canonical rights URIs: Creative Commons and rightsstatements.org."""

    CC0 = (
        "http://creativecommons.org/publicdomain/zero/1.0/",
        _("CC0 1.0 (public domain dedication)"),
    )
    PDM = (
        "http://creativecommons.org/publicdomain/mark/1.0/",
        _("Public Domain Mark 1.0"),
    )
    CC_BY = "http://creativecommons.org/licenses/by/4.0/", _("CC BY 4.0")
    CC_BY_SA = "http://creativecommons.org/licenses/by-sa/4.0/", _("CC BY-SA 4.0")
    CC_BY_NC = "http://creativecommons.org/licenses/by-nc/4.0/", _("CC BY-NC 4.0")
    CC_BY_NC_SA = (
        "http://creativecommons.org/licenses/by-nc-sa/4.0/",
        _("CC BY-NC-SA 4.0"),
    )
    CC_BY_ND = "http://creativecommons.org/licenses/by-nd/4.0/", _("CC BY-ND 4.0")
    CC_BY_NC_ND = (
        "http://creativecommons.org/licenses/by-nc-nd/4.0/",
        _("CC BY-NC-ND 4.0"),
    )
    INC = "http://rightsstatements.org/vocab/InC/1.0/", _("In Copyright")
    INC_EDU = (
        "http://rightsstatements.org/vocab/InC-EDU/1.0/",
        _("In Copyright - Educational Use Permitted"),
    )
    INC_NC = (
        "http://rightsstatements.org/vocab/InC-NC/1.0/",
        _("In Copyright - Non-Commercial Use Permitted"),
    )
    INC_OW_EU = (
        "http://rightsstatements.org/vocab/InC-OW-EU/1.0/",
        _("In Copyright - EU Orphan Work"),
    )
    NOC_NC = (
        "http://rightsstatements.org/vocab/NoC-NC/1.0/",
        _("No Copyright - Non-Commercial Use Only"),
    )
    NOC_OKLR = (
        "http://rightsstatements.org/vocab/NoC-OKLR/1.0/",
        _("No Copyright - Other Known Legal Restrictions"),
    )
    NKC = "http://rightsstatements.org/vocab/NKC/1.0/", _("No Known Copyright")
    CNE = "http://rightsstatements.org/vocab/CNE/1.0/", _("Copyright Not Evaluated")
    UND = "http://rightsstatements.org/vocab/UND/1.0/", _("Copyright Undetermined")

    @classmethod
    def in_copyright(cls) -> set[str]:
        """Statements under which we publish only with the holder's permission."""
        return {cls.INC, cls.INC_EDU, cls.INC_NC, cls.INC_OW_EU, cls.CNE, cls.UND}


class Permission(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed (public domain or open licence)")
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ImageQuerySet(PublishableQuerySet):
    def with_renditions(self, *specs: str) -> ImageQuerySet:
        """Prefetch renditions so a list asks for them in one query, not one per image.

        With spec names (`with_renditions("thumbnail", "card")`) only those are
        fetched; `Image.get_rendition` reads the prefetched ones without a query.
        """
        if not specs:
            return self.prefetch_related("renditions")
        wanted = {str(parse_spec(spec)) for spec in specs}
        return self.prefetch_related(
            models.Prefetch(
                "renditions", queryset=Rendition.objects.filter(spec__in=wanted)
            )
        )


class Image(Publishable, Dated):
    file = models.FileField(
        _("original file"),
        upload_to=original_upload_to,
        storage=private_storage,
        max_length=255,
        help_text=_(
            "JPEG, PNG, WebP or TIFF. Kept exactly as uploaded, in private storage; "
            "the public sees only resized copies without metadata."
        ),
    )
    original_filename = models.CharField(
        _("uploaded file name"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("For curators only; the file is stored under a generated name."),
    )
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, editable=False, db_index=True
    )
    file_size = models.PositiveBigIntegerField(
        _("size in bytes"), null=True, editable=False
    )
    file_format = models.CharField(
        _("format"), max_length=10, blank=True, editable=False
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    caption = models.TextField(
        _("caption"),
        blank=True,
        help_text=_("What the image shows and why it matters."),
    )
    alt_text = models.TextField(
        _("alt text"),
        blank=True,
        help_text=_(
            "Describe the image for someone who cannot see it, in one or two "
            "sentences. Required in every language before publishing."
        ),
    )
    creator = models.CharField(
        _("creator"),
        max_length=255,
        blank=True,
        help_text=_("Photographer, artist or maker, as the source names them."),
    )
    source_institution = models.CharField(
        _("source institution"),
        max_length=255,
        blank=True,
        help_text=_(
            "Where the image comes from (archive, collection, or this archive)."
        ),
    )
    source_url = models.URLField(_("source web address"), max_length=1000, blank=True)
    rights_uri = models.CharField(
        _("rights statement"),
        max_length=100,
        choices=Rights.choices,
        blank=True,
        help_text=_("The licence or rights statement that applies to the image."),
    )
    rights_holder = models.CharField(_("rights holder"), max_length=255, blank=True)
    credit_line = models.CharField(
        _("credit line"),
        max_length=500,
        blank=True,
        help_text=_(
            'Title, author, source, licence (TASL), e.g. \'"Map of Belgium" by the '
            "Memorial Archive, CC0 1.0'. Shown with every use of the image."
        ),
    )
    permission_status = models.CharField(
        _("permission"),
        max_length=12,
        choices=Permission.choices,
        default=Permission.NOT_NEEDED,
        help_text=_("For in-copyright images: has the rights holder agreed?"),
    )
    focal_x = models.FloatField(
        _("focal point x"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 = left edge, 1 = right edge; crops keep this point in view."),
    )
    focal_y = models.FloatField(
        _("focal point y"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 = top edge, 1 = bottom edge."),
    )
    depicted_people = models.ManyToManyField(
        "archive.Person",
        verbose_name=_("people shown"),
        blank=True,
        related_name="images",
    )
    depicted_places = models.ManyToManyField(
        "archive.Place",
        verbose_name=_("places shown"),
        blank=True,
        related_name="images",
    )
    depicted_events = models.ManyToManyField(
        "archive.Event",
        verbose_name=_("events shown"),
        blank=True,
        related_name="images",
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = workflow_permissions("image")
        ordering = ["-created_at"]
        constraints = [
            date_range_constraint("date", "image"),
            models.CheckConstraint(
                condition=Q(
                    focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1
                ),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remembered so that moving the focal point re-crops the renditions.
        instance._stored_focal = (
            instance.__dict__.get("focal_x"),
            instance.__dict__.get("focal_y"),
        )
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._stored_focal = (self.focal_x, self.focal_y)

    def get_absolute_url(self) -> str:
        return reverse("archive:image-detail", kwargs={"slug": self.slug})

    def focal_point_moved(self) -> bool:
        """Whether the focal point differs from the one loaded from the database (or
        last saved). Still true while the save that moves it sends `post_save`, so
        the crops made around the old point can be dropped then."""
        stored = getattr(self, "_stored_focal", (None, None))
        return (
            self.pk is not None
            and None not in stored
            and stored != (self.focal_x, self.focal_y)
        )

    # --- Renditions -----------------------------------------------------------------

    def get_rendition(self, spec: str, fmt: str = "jpeg") -> Rendition:
        """The rendition for a spec name (`card`) or spec (`fill-400x300`), made once.

        Uses prefetched renditions when the list asked for them
        (`Image.objects.with_renditions()`); otherwise one query, and a render only
        the first time. Raises `archive.renditions.RenditionError` if the original
        cannot be read; `try_rendition` returns None instead.
        """
        spec = str(parse_spec(spec))
        fmt = parse_format(fmt)
        found = self._prefetched_rendition(spec, fmt)
        if found is not None:
            return found
        found = Rendition.objects.filter(image_id=self.pk, spec=spec, format=fmt)
        return found.first() or self._create_rendition(spec, fmt)

    def try_rendition(self, spec: str, fmt: str = "jpeg") -> Rendition | None:
        """Like `get_rendition`, but None (and a logged error) when it cannot be made,
        so one damaged original does not break a whole page."""
        try:
            return self.get_rendition(spec, fmt)
        except RenditionError:
            logger.exception("No %s %s rendition for image %s.", spec, fmt, self.pk)
            return None

    def render_original(self, spec: str, fmt: str) -> Rendered:
        """Run the pixel pipeline on the stored original (no database, no cache)."""
        if not self.file:
            raise RenditionError(f"Image {self.pk} has no original file.")
        try:
            with private_storage.open(self.file.name, "rb") as original:
                return render(
                    original,
                    spec,
                    fmt,
                    focal=(self.focal_x, self.focal_y),
                    max_pixels=settings.ARCHIVE_MAX_IMAGE_PIXELS,
                )
        except FileNotFoundError as error:
            raise RenditionError(
                f"The original of image {self.pk} is missing: {self.file.name}"
            ) from error

    def _prefetched_rendition(self, spec: str, fmt: str) -> Rendition | None:
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "renditions" not in cache:
            return None
        for rendition in cache["renditions"]:
            if rendition.spec == spec and rendition.format == fmt:
                return rendition
        return None

    def _create_rendition(self, spec: str, fmt: str) -> Rendition:
        # A public image's renditions are public files; any other image's private.
        prefix = PUBLIC_RENDITIONS if self.is_public else PRIVATE_RENDITIONS
        with transaction.atomic():
            # Serialise the makers of this image's renditions, so concurrent requests
            # render once: PostgreSQL locks the image row; on SQLite the IMMEDIATE
            # transaction already holds the database's write lock.
            list(Image.objects.select_for_update().filter(pk=self.pk).values("pk"))
            found = Rendition.objects.filter(image_id=self.pk, spec=spec, format=fmt)
            if existing := found.first():
                return existing
            rendered = self.render_original(spec, fmt)
            name = save_with_transaction(
                rendition_storage,
                generated_name(prefix, rendered.extension),
                ContentFile(rendered.data),
            )
            try:
                with transaction.atomic():
                    return Rendition.objects.create(
                        image=self,
                        spec=spec,
                        format=fmt,
                        file=name,
                        width=rendered.width,
                        height=rendered.height,
                    )
            except IntegrityError:
                # Another process won a race the lock did not cover: use its file.
                rendition_storage.delete(name)
                return found.get()

    def claimed_languages(self) -> list[str]:
        """English, plus every language in which the image has a title.

        A language the image claims must also have alt text and a credit line, so a
        reader in that language never meets an undescribed or uncredited image.
        """
        from django.conf import settings

        return [
            code
            for code, _name in settings.LANGUAGES
            if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            or getattr(self, f"title_{code}", "")
        ]

    def publication_problems(self) -> list[str]:
        problems = super().publication_problems()
        languages = self.claimed_languages()
        for field, label in (
            ("alt_text", _("alt text")),
            ("credit_line", _("credit line")),
        ):
            missing = [
                code for code in languages if not getattr(self, f"{field}_{code}", "")
            ]
            if missing:
                problems.append(f"{label} ({', '.join(missing)})")
        if not self.rights_uri:
            problems.append(str(_("rights statement")))
        if (
            self.rights_uri in Rights.in_copyright()
            and self.permission_status != Permission.GRANTED
        ):
            problems.append(str(_("permission of the rights holder (in copyright)")))
        if not self.file:
            problems.append(str(_("the image file")))
        return problems


class Rendition(models.Model):
    """A derivative of an image made by a named spec; one per (image, spec, format)."""

    image = models.ForeignKey(
        Image,
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="renditions",
    )
    spec = models.CharField(_("spec"), max_length=40, help_text=_("e.g. fill-400x300"))
    format = models.CharField(_("format"), max_length=10)
    file = models.FileField(
        _("file"),
        upload_to=rendition_upload_to,
        storage=rendition_storage,
        max_length=255,
        help_text=_(
            "Public file for public images; private (staff only) for the others."
        ),
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["image", "spec", "format"],
                name="rendition_unique_per_spec_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.image_id}/{self.spec}.{self.format}"

    @property
    def is_public(self) -> bool:
        """Whether the file is in public storage (only for public images)."""
        return not is_private_rendition(self.file.name)

    @property
    def url(self) -> str:
        """Where a browser fetches the file: a public media URL (absolute path, or an
        absolute URL on object storage) or, for a non-public image, a staff-only view.
        """
        return self.file.url
