from django.contrib import admin

from archive import imports
from archive.admin.base import CitationInline, PublishableAdmin
from archive.admin.imports import ImportExportAdminMixin
from archive.models import Event, EventParticipant


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 0
    autocomplete_fields = ("person", "organisation")


@admin.register(Event)
class EventAdmin(ImportExportAdminMixin, PublishableAdmin):
    resource_classes = (imports.EventResource,)
    list_display = ("title", "kind", "date_edtf", "date_earliest")
    list_filter = ("kind", *PublishableAdmin.list_filter)
    search_fields = ("title", "title_en", "title_fr", "title_nl", "date_edtf")
    autocomplete_fields = ("places",)
    ordering = ("date_earliest",)
    inlines = (EventParticipantInline, CitationInline)
