"""Sources: the documents, articles, books and pages every statement rests on."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models.base import (
    Dated,
    Publishable,
    date_range_constraint,
    workflow_permissions,
)
from archive.storage import private_storage, source_upload_to


class SourceKind(models.TextChoices):
    """CSL item types, so a source exports to CSL-JSON without translation."""

    NEWSPAPER = "article-newspaper", _("Newspaper article")
    MAGAZINE = "article-magazine", _("Magazine article")
    JOURNAL = "article-journal", _("Journal article")
    BOOK = "book", _("Book")
    CHAPTER = "chapter", _("Book chapter")
    DOCUMENT = "document", _("Document")
    LEGISLATION = "legislation", _("Decree or ordinance")
    LETTER = "letter", _("Letter")
    MANUSCRIPT = "manuscript", _("Manuscript or diary")
    INTERVIEW = "interview", _("Interview")
    WEBPAGE = "webpage", _("Web page")
    ENCYCLOPEDIA = "entry-encyclopedia", _("Encyclopaedia entry")
    DATASET = "dataset", _("Data set")


class Source(Publishable, Dated):
    title = models.CharField(
        _("title"),
        max_length=500,
        help_text=_("The source's own title, in its own language; not translated."),
    )
    kind = models.CharField(
        _("kind"), max_length=24, choices=SourceKind.choices, default=SourceKind.WEBPAGE
    )
    creators = models.TextField(
        _("authors"),
        blank=True,
        help_text=_(
            "One per line: 'Family, Given' for a person, or an organisation's name. "
            "Leave empty when the source names no author."
        ),
    )
    container_title = models.CharField(
        _("published in"),
        max_length=300,
        blank=True,
        help_text=_("Newspaper, journal, book or web site the source appeared in."),
    )
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    holding_institution = models.CharField(
        _("holding institution"),
        max_length=300,
        blank=True,
        help_text=_("Archive or library that keeps the original."),
    )
    reference_code = models.CharField(
        _("reference code"),
        max_length=200,
        blank=True,
        help_text=_("Shelf mark, call number or file number at the institution."),
    )
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    accessed = models.DateField(
        _("accessed on"), null=True, blank=True, help_text=_("When the page was read.")
    )
    language = models.CharField(
        _("language"),
        max_length=35,
        blank=True,
        help_text=_("BCP 47 code of the source's language: en, fr, nl, de..."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the source is and how reliable it is, in your own words."),
    )
    file = models.FileField(
        _("file"),
        upload_to=source_upload_to,
        storage=private_storage,
        blank=True,
        max_length=255,
        help_text=_(
            "A PDF, or a scan as JPEG, PNG, WebP or TIFF. Kept exactly as uploaded; "
            "offered for download only while the source is public."
        ),
    )
    file_original_name = models.CharField(
        _("uploaded file name"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("For curators only; the file is stored under a generated name."),
    )
    file_size = models.PositiveBigIntegerField(
        _("file size in bytes"), null=True, blank=True, editable=False
    )
    file_sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, editable=False, db_index=True
    )
    transcription = models.TextField(
        _("transcription"), blank=True, help_text=_("The text of the source, if typed.")
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        permissions = workflow_permissions("source")
        ordering = ["title"]
        constraints = [date_range_constraint("date", "source")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:source-detail", kwargs={"slug": self.slug})

    def creator_list(self) -> list[dict[str, str]]:
        """Authors as CSL name objects: {'family', 'given'} or {'literal'}."""
        return creator_list(self.creators)

    def citation_text(self) -> str:
        """The formatted reference shown as "cite this" and served by the API."""
        return citation_text(
            title=self.title,
            creators=self.creators,
            container_title=self.container_title,
            publisher=self.publisher,
            date_edtf=self.date_edtf,
            date_display=self.date_display_en,
            holding_institution=self.holding_institution,
            reference_code=self.reference_code,
            url=self.url,
            accessed=self.accessed,
        )

    def csl_json(self) -> dict[str, Any]:
        """The source as one CSL-JSON item, as the API's `csl/` answer gives it."""
        return csl_json(
            uuid=str(self.uuid),
            kind=self.kind,
            title=self.title,
            creators=self.creators,
            container_title=self.container_title,
            publisher=self.publisher,
            holding_institution=self.holding_institution,
            reference_code=self.reference_code,
            url=self.url,
            language=self.language,
            date_edtf=self.date_edtf,
            date_earliest=self.date_earliest,
            date_latest=self.date_latest,
            accessed=self.accessed,
        )


# Citations from plain values: the model's methods and the API's rows (which hold no
# model instance, see archive/api/presenters/) share them.


def creator_list(creators: str) -> list[dict[str, str]]:
    """Authors, one per line ('Family, Given' or a name), as CSL name objects:
    {'family', 'given'} or {'literal'}."""
    names = []
    for line in creators.splitlines():
        line = line.strip()
        if not line:
            continue
        if "," in line:
            family, given = (part.strip() for part in line.split(",", 1))
            names.append({"family": family, "given": given})
        else:
            names.append({"literal": line})
    return names


def citation_text(
    *,
    title: str,
    creators: str,
    container_title: str,
    publisher: str,
    date_edtf: str,
    date_display: str,
    holding_institution: str,
    reference_code: str,
    url: str,
    accessed: datetime.date | None,
) -> str:
    """A plain reference in a common humanities style: authors, "title", container,
    publisher, date (its English label), holding institution and reference code, URL
    and access date."""
    names = []
    for name in creator_list(creators):
        if "literal" in name:
            names.append(name["literal"])
        else:
            names.append(
                ", ".join(part for part in (name["family"], name["given"]) if part)
            )
    parts = []
    if names:
        parts.append("; ".join(names))
    parts.append(f"\u201c{title}\u201d")
    for value in (container_title, publisher):
        if value:
            parts.append(value)
    if date_edtf:
        parts.append(date_display or date_edtf)
    archive = ", ".join(
        value for value in (holding_institution, reference_code) if value
    )
    if archive:
        parts.append(archive)
    if url:
        read_on = f" (accessed {accessed.isoformat()})" if accessed else ""
        parts.append(f"{url}{read_on}")
    return ". ".join(parts) + "."


def csl_json(
    *,
    uuid: str,
    kind: str,
    title: str,
    creators: str,
    container_title: str,
    publisher: str,
    holding_institution: str,
    reference_code: str,
    url: str,
    language: str,
    date_edtf: str,
    date_earliest: datetime.date | None,
    date_latest: datetime.date | None,
    accessed: datetime.date | None,
) -> dict[str, Any]:
    """One CSL-JSON item (the format Zotero and citeproc read)."""
    item: dict[str, Any] = {"id": uuid, "type": kind, "title": title}
    names = creator_list(creators)
    if names:
        item["author"] = names
    for value, csl in (
        (container_title, "container-title"),
        (publisher, "publisher"),
        (holding_institution, "archive"),
        (reference_code, "archive_location"),
        (url, "URL"),
        (language, "language"),
    ):
        if value:
            item[csl] = value
    if date_edtf:
        issued: dict[str, Any] = {"raw": date_edtf}
        if date_earliest is not None:
            parts = [[date_earliest.year, date_earliest.month, date_earliest.day]]
            if date_latest is not None and date_latest != date_earliest:
                parts.append([date_latest.year, date_latest.month, date_latest.day])
            issued["date-parts"] = parts
        item["issued"] = issued
    if accessed:
        item["accessed"] = {
            "date-parts": [[accessed.year, accessed.month, accessed.day]]
        }
    return item
