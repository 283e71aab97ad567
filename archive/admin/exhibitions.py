from django.contrib import admin
from django.db import models
from django.urls import path
from modeltranslation.admin import (
    TabbedDjangoJqueryTranslationAdmin,
    TranslationStackedInline,
)

from archive import workflow
from archive.admin import arrange, picker
from archive.admin.base import PublishableAdmin, WorkflowAdmin
from archive.admin.picker import PositionWidget
from archive.models import Exhibition, ExhibitionItem, ExhibitionSection


class ExhibitionSectionInline(TranslationStackedInline):
    """Sections in order; "Move up" and "Move down" reorder them on the page."""

    model = ExhibitionSection
    extra = 0
    fields = ("position", "title", "body")
    ordering = ("position",)
    show_change_link = True
    formfield_overrides = {models.PositiveSmallIntegerField: {"widget": PositionWidget}}


@admin.register(Exhibition)
class ExhibitionAdmin(PublishableAdmin):
    list_display = ("title", "opens_on", "closes_on")
    search_fields = ("title", "title_en", "summary")
    inlines = (ExhibitionSectionInline,)
    change_form_template = "admin/archive/exhibition/change_form.html"

    def get_urls(self):
        """The record picker's search (a read path: the admin site's login and
        staff check, then `picker.search_view`'s view permissions per kind), and
        arranging sections and items (`archive.admin.arrange`)."""
        search = path(
            "records/",
            self.admin_site.admin_view(picker.search_view),
            name="archive_exhibition_records",
        )
        return [search, *arrange.urls(self), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = kwargs.get("obj")
        context["may_arrange"] = bool(
            obj is not None and obj.pk and arrange.may_arrange(self, request, obj)
        )
        return super().render_change_form(request, context, add, change, **kwargs)


class ExhibitionItemInline(TranslationStackedInline):
    """Items chosen with the record picker, in order, each with its caption in
    full (stacked, so the caption is never pushed off-screen)."""

    model = ExhibitionItem
    form = picker.ExhibitionItemForm
    extra = 0
    fields = ("position", "record_choice", "caption")
    ordering = ("position",)
    formfield_overrides = {models.PositiveSmallIntegerField: {"widget": PositionWidget}}

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type(
            "ExhibitionItemForm",
            (self.form,),
            {"picker_user": request.user},
        )
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type")


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
