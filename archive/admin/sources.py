from django.contrib import admin

from archive.admin.base import PublishableAdmin
from archive.models import Source


@admin.register(Source)
class SourceAdmin(PublishableAdmin):
    list_display = ("title", "kind", "container_title", "date_edtf", "url")
    list_filter = ("kind", *PublishableAdmin.list_filter)
    search_fields = ("title", "creators", "container_title", "url", "reference_code")
    inlines = ()  # a source is cited, it does not cite
