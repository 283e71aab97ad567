from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedDjangoJqueryTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from archive import workflow
from archive.admin.base import PublishableAdmin, WorkflowAdmin
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
class ExhibitionSectionAdmin(WorkflowAdmin, TabbedDjangoJqueryTranslationAdmin):
    """Sections are edited here with their ordered items (one level of nesting).

    A section and its items follow their exhibition's workflow: whoever may not edit
    the exhibition in its current state may not add, change, revert or delete its
    sections or items (`archive.workflow`)."""

    revert_keeps = ("exhibition",)

    list_display = ("title", "exhibition", "position")
    list_select_related = ("exhibition",)
    search_fields = ("title", "exhibition__title")
    autocomplete_fields = ("exhibition",)
    inlines = (ExhibitionItemInline,)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A section may only be put in an exhibition this curator may edit."""
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "exhibition" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(
                workflow.editable_q(request.user, Exhibition)
            )
        return formfield
