from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedDjangoJqueryTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from archive.admin.base import PublishableAdmin
from archive.models import Exhibition, ExhibitionItem, ExhibitionSection


class ExhibitionSectionInline(TranslationStackedInline):
    model = ExhibitionSection
    extra = 0
    fields = ("position", "title", "body")
    ordering = ("position",)
    show_change_link = True


@admin.register(Exhibition)
class ExhibitionAdmin(PublishableAdmin):
    list_display = ("title", "opens_on", "closes_on")
    search_fields = ("title", "title_en", "summary")
    inlines = (ExhibitionSectionInline,)


class ExhibitionItemInline(TranslationTabularInline):
    model = ExhibitionItem
    extra = 0
    fields = ("position", "content_type", "object_id", "record_display", "caption")
    readonly_fields = ("record_display",)
    ordering = ("position",)

    @admin.display(description=_("record"))
    def record_display(self, obj: ExhibitionItem) -> str:
        record = obj.record if obj.pk else None
        if record is None:
            return "-"
        return format_html("{} ({})", record, record._meta.verbose_name)


@admin.register(ExhibitionSection)
class ExhibitionSectionAdmin(SimpleHistoryAdmin, TabbedDjangoJqueryTranslationAdmin):
    """Sections are edited here with their ordered items (one level of nesting)."""

    list_display = ("title", "exhibition", "position")
    list_select_related = ("exhibition",)
    search_fields = ("title", "exhibition__title")
    autocomplete_fields = ("exhibition",)
    inlines = (ExhibitionItemInline,)
