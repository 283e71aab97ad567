from django.contrib import admin, messages
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from archive import imports
from archive.admin.base import PublishableAdmin
from archive.admin.imports import ImportExportAdminMixin
from archive.forms import SourceAdminForm
from archive.models import Source


@admin.register(Source)
class SourceAdmin(ImportExportAdminMixin, PublishableAdmin):
    resource_classes = (
        imports.SourceResource,
        imports.CitationResource,
    )
    # The form checks the file (PDF or scan) and stores it under a generated name.
    form = SourceAdminForm
    list_display = ("title", "kind", "container_title", "date_edtf", "url")
    list_filter = ("kind", *PublishableAdmin.list_filter)
    search_fields = ("title", "creators", "container_title", "url", "reference_code")
    readonly_fields = (*PublishableAdmin.readonly_fields, "file_details")
    inlines = ()  # a source is cited, it does not cite

    @admin.display(description=_("stored file"))
    def file_details(self, obj: Source) -> str:
        if obj is None or not obj.pk or not obj.file:
            return "-"
        return format_html(
            '{} · {} · SHA-256 <code>{}</code> · <a href="{}">{}</a>',
            obj.file_original_name or "-",
            filesizeformat(obj.file_size) if obj.file_size else "-",
            obj.file_sha256 or _("not recorded"),
            reverse("archive:source-file", args=[obj.slug]),
            _("Download (public only while the source is published)"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        message = getattr(form, "duplicate_message", lambda: None)()
        if message:
            self.message_user(request, message, messages.WARNING)
