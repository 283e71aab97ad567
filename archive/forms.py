"""Admin forms whose file fields go through the archive's upload checks.

Every rejected file is a form error on the file field that says why; nothing is
written until the whole form is valid, and what is written then is removed again if
the save fails (see `archive.media`). A file identical to one already in the archive
is accepted but reported, naming the existing record.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from archive import media, uploads
from archive.models import Image, Source

IMAGE_ACCEPT = (
    "image/jpeg,image/png,image/webp,image/tiff,.jpg,.jpeg,.png,.webp,.tif,.tiff"
)
DOCUMENT_ACCEPT = f"application/pdf,.pdf,{IMAGE_ACCEPT}"


class _IngestingForm(forms.ModelForm):
    """Shared flow: check the upload in `clean_file`, store it in `save`."""

    accept = ""
    #: The record field holding the checksum, for the duplicate report.
    checksum_field = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked: uploads.CheckedFile | None = None
        self.duplicates: list[Any] = []
        if "file" in self.fields:
            self.fields["file"].widget.attrs["accept"] = self.accept

    def validate_upload(self, upload: UploadedFile) -> uploads.CheckedFile:
        raise NotImplementedError

    def ingest(self, record: Any, upload: UploadedFile, save: bool) -> None:
        raise NotImplementedError

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            self.checked = self.validate_upload(upload)
            model = self._meta.model
            self.duplicates = list(
                model._default_manager.filter(
                    **{self.checksum_field: self.checked.sha256}
                )
                .exclude(pk=self.instance.pk)
                .order_by("pk")[:5]
            )
        return upload

    def save(self, commit: bool = True) -> Any:
        record = super().save(commit=False)
        upload = self.cleaned_data.get("file")
        if self.checked is None or not isinstance(upload, UploadedFile):
            if commit:
                record.save()
                self._save_m2m()
            return record
        if commit:
            with transaction.atomic():
                self.ingest(record, upload, save=True)
                self._save_m2m()
        else:
            # The admin saves the record itself, inside its own transaction.
            self.ingest(record, upload, save=False)
        return record

    def duplicate_message(self) -> str | None:
        """HTML naming the records that already hold this exact file, if any."""
        if not self.duplicates:
            return None
        opts = self._meta.model._meta
        links = format_html_join(
            ", ",
            '<a href="{}">{} (#{})</a>',
            (
                (_admin_url(opts.app_label, opts.model_name, d.pk), d, d.pk)
                for d in self.duplicates
            ),
        )
        return format_html(
            "{} {}",
            _(
                "This file is identical (same SHA-256 checksum) to a file already "
                "in the archive:"
            ),
            links,
        )


def _admin_url(app_label: str, model_name: str, pk: int) -> str:
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return "#"


class ImageAdminForm(_IngestingForm):
    """The image form: only JPEG, PNG, WebP or TIFF that pass every check."""

    accept = IMAGE_ACCEPT
    checksum_field = "sha256"

    class Meta:
        model = Image
        # The admin passes its own field list (with every language's column).
        fields = (
            "file",
            "title",
            "caption",
            "alt_text",
            "creator",
            "date_edtf",
            "date_display",
            "source_institution",
            "source_url",
            "rights_uri",
            "rights_holder",
            "credit_line",
            "permission_status",
            "focal_x",
            "focal_y",
            "depicted_people",
            "depicted_places",
            "depicted_events",
            "access",
            "embargo_until",
            "slug",
            "content_warning",
        )

    def validate_upload(self, upload: UploadedFile) -> uploads.CheckedFile:
        return uploads.validate_image(upload, upload.name)

    def ingest(self, record: Image, upload: UploadedFile, save: bool) -> None:
        media.ingest_image(
            image=record,
            upload=upload,
            filename=upload.name,
            save=save,
            checked=self.checked,
        )


class SourceAdminForm(_IngestingForm):
    """The source form: its file is a PDF, or a scan that passes the image checks."""

    accept = DOCUMENT_ACCEPT
    checksum_field = "file_sha256"

    class Meta:
        model = Source
        fields = (
            "title",
            "kind",
            "creators",
            "container_title",
            "publisher",
            "holding_institution",
            "reference_code",
            "url",
            "accessed",
            "language",
            "description",
            "date_edtf",
            "date_display",
            "file",
            "transcription",
            "access",
            "embargo_until",
            "slug",
            "content_warning",
        )

    def validate_upload(self, upload: UploadedFile) -> uploads.CheckedFile:
        return uploads.validate_document(upload, upload.name)

    def ingest(self, record: Source, upload: UploadedFile, save: bool) -> None:
        media.ingest_source_file(
            source=record,
            upload=upload,
            filename=upload.name,
            save=save,
            checked=self.checked,
        )
