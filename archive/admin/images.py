"""The image admin: safe uploads, a thumbnail at once, focal point, renditions.

Uploads go through `ImageAdminForm`, so a refused file is a form error that says why
and leaves nothing behind; an exact duplicate of an archived file is reported with a
link to the image that already holds it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from archive.admin.base import PublishableAdmin
from archive.forms import ImageAdminForm
from archive.models import Image, Rendition


class ImageNeedsFilter(admin.SimpleListFilter):
    """What an image lacks for publication: the dashboard's filtered link."""

    title = _("missing for publication")
    parameter_name = "needs"
    CONDITIONS = {
        "alt_text": Q(alt_text_en__isnull=True) | Q(alt_text_en=""),
        "rights": Q(rights_uri=""),
    }

    def lookups(self, request, model_admin):
        return [
            ("alt_text", _("alt text (English)")),
            ("rights", _("rights statement")),
            ("either", _("alt text or rights statement")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "either":
            return queryset.filter(
                self.CONDITIONS["alt_text"] | self.CONDITIONS["rights"]
            )
        if value in self.CONDITIONS:
            return queryset.filter(self.CONDITIONS[value])
        return None


@admin.register(Image)
class ImageAdmin(PublishableAdmin):
    form = ImageAdminForm
    list_display = ("thumbnail", "title", "rights_uri", "dimensions")
    list_display_links = ("thumbnail", "title")
    list_filter = (
        ImageNeedsFilter,
        "rights_uri",
        "permission_status",
        *PublishableAdmin.list_filter,
    )
    search_fields = ("title", "title_en", "creator", "credit_line", "sha256")
    autocomplete_fields = ("depicted_people", "depicted_places", "depicted_events")
    readonly_fields = (
        *PublishableAdmin.readonly_fields,
        "preview",
        "original_details",
        "rendition_list",
    )
    fieldsets = (
        (None, {"fields": ("title", "caption", "alt_text")}),
        (
            _("File"),
            {
                "fields": (
                    "file",
                    "preview",
                    ("focal_x", "focal_y"),
                    "original_details",
                    "rendition_list",
                ),
                "description": _(
                    "The original is kept exactly as uploaded, in private storage. "
                    "The public sees only resized copies without metadata; crops "
                    "keep the focal point in view."
                ),
            },
        ),
        (
            _("Attribution and rights"),
            {
                "fields": (
                    "creator",
                    ("date_edtf", "date_display"),
                    "source_institution",
                    "source_url",
                    "rights_uri",
                    "rights_holder",
                    "credit_line",
                    "permission_status",
                )
            },
        ),
        (
            _("What the image shows"),
            {"fields": ("depicted_people", "depicted_places", "depicted_events")},
        ),
    )

    class Media:
        js = ("archive/focal-point.js",)

    def get_queryset(self, request):
        # One query for every thumbnail on the page, not one per row.
        return super().get_queryset(request).with_renditions("thumbnail")

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj: Image) -> str:
        rendition = obj.try_rendition("thumbnail") if obj.file else None
        if rendition is None:
            return "-"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" '
            'style="width:auto;height:auto;max-width:80px;max-height:80px">',
            rendition.url,
            rendition.width,
            rendition.height,
            # The thumbnail is also a link to the record: its text names it.
            _("Open %(title)s") % {"title": obj},
        )

    @admin.display(description=_("size in pixels"), ordering="width")
    def dimensions(self, obj: Image) -> str:
        if not obj.width or not obj.height:
            return "-"
        return f"{obj.width} x {obj.height}"

    @admin.display(description=_("preview"))
    def preview(self, obj: Image) -> str:
        if obj is None or not obj.pk or not obj.file:
            return _("Saved images show a preview here.")
        rendition = obj.try_rendition("medium")
        if rendition is None:
            return _("No preview: the original could not be read (run verify_fixity).")
        return format_html(
            '<div data-focal-preview style="position:relative;display:inline-block;'
            'max-width:100%"><img src="{}" width="{}" height="{}" alt="{}" '
            'style="max-width:100%;height:auto;display:block">'
            '<span data-focal-marker title="{}" style="position:absolute;left:{}%;'
            "top:{}%;width:14px;height:14px;margin:-8px 0 0 -8px;"
            'border:2px solid #fff;border-radius:50%;box-shadow:0 0 0 2px #c00">'
            '</span></div><p class="help">{}</p>',
            rendition.url,
            rendition.width,
            rendition.height,
            obj.alt_text,
            _("focal point"),
            round(obj.focal_x * 100, 2),
            round(obj.focal_y * 100, 2),
            _("Click the image to move the focal point, then save."),
        )

    @admin.display(description=_("original"))
    def original_details(self, obj: Image) -> str:
        if obj is None or not obj.pk or not obj.file:
            return "-"
        rows = (
            (_("uploaded as"), obj.original_filename or "-"),
            (_("format"), obj.file_format or "-"),
            (_("size"), filesizeformat(obj.file_size) if obj.file_size else "-"),
            (_("pixels"), self.dimensions(obj)),
            (_("SHA-256"), obj.sha256 or _("not recorded")),
        )
        return format_html(
            '<dl style="margin:0">{}</dl><a href="{}">{}</a>',
            format_html_join(
                "",
                '<dt style="font-weight:bold">{}</dt><dd style="margin:0 0 4px 0">'
                "<code>{}</code></dd>",
                rows,
            ),
            reverse("archive:image-original", args=[obj.pk]),
            _("Download the original (staff only)"),
        )

    @admin.display(description=_("renditions"))
    def rendition_list(self, obj: Image) -> str:
        if obj is None or not obj.pk:
            return "-"
        # Not obj.renditions: the list view's prefetch holds only thumbnails.
        renditions = Rendition.objects.filter(image=obj).order_by("spec", "format")
        if not renditions:
            return _("None yet; they are made when first needed.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("spec"),
            _("format"),
            _("pixels"),
            _("where"),
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{} x {}</td>'
                "<td>{}</td></tr>",
                (
                    (
                        r.url,
                        r.spec,
                        r.format,
                        r.width,
                        r.height,
                        _("public file") if r.is_public else _("private (staff only)"),
                    )
                    for r in renditions
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        message = getattr(form, "duplicate_message", lambda: None)()
        if message:
            self.message_user(request, message, messages.WARNING)
