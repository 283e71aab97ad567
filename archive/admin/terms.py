from django.contrib import admin
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from archive.admin.base import WorkflowAdmin
from archive.models import Term


@admin.register(Term)
class TermAdmin(WorkflowAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ("label", "vocabulary", "slug", "broader")
    list_filter = ("vocabulary",)
    search_fields = ("label", "label_en", "slug")
    autocomplete_fields = ("broader",)
    prepopulated_fields = {"slug": ("label_en",)}
