from django.contrib import admin
from modeltranslation.admin import TranslationStackedInline

from archive.admin.base import CitationInline, PublishableAdmin
from archive.models import Testimony, TestimonyParticipant, TestimonySegment, Transcript


class TestimonyParticipantInline(admin.TabularInline):
    model = TestimonyParticipant
    extra = 0
    autocomplete_fields = ("person",)


class TestimonySegmentInline(TranslationStackedInline):
    model = TestimonySegment
    extra = 0
    autocomplete_fields = ("people", "places", "events", "keywords")
    ordering = ("start_seconds",)


class TranscriptInline(admin.StackedInline):
    model = Transcript
    extra = 0


@admin.register(Testimony)
class TestimonyAdmin(PublishableAdmin):
    list_display = ("title", "kind", "witness", "date_edtf", "consent_scope")
    list_filter = ("kind", "consent_scope", *PublishableAdmin.list_filter)
    list_select_related = ("witness",)
    search_fields = ("title", "title_en", "summary", "witness__family_name")
    autocomplete_fields = ("witness", "place")
    inlines = (
        TestimonyParticipantInline,
        TestimonySegmentInline,
        TranscriptInline,
        CitationInline,
    )
