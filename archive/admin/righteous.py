from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from archive import imports
from archive.admin.base import CitationInline, PublishableAdmin
from archive.admin.imports import ImportExportAdminMixin
from archive.models import Recognition, RescuedPerson, Rescuer


class RescuerInline(TranslationTabularInline):
    """Rescuers in order; the relation in the file in each language."""

    model = Rescuer
    extra = 0
    autocomplete_fields = ("person", "listed_in")
    fields = (
        "person",
        "name_as_listed",
        "listed_in",
        "relation",
        "posthumous",
        "position",
    )


class RescuedPersonInline(admin.TabularInline):
    model = RescuedPerson
    extra = 0
    autocomplete_fields = ("person", "place")
    fields = (
        "person",
        "name_as_listed",
        "place",
        "period_edtf",
        "help_kinds",
        "position",
    )


@admin.register(Recognition)
class RecognitionAdmin(ImportExportAdminMixin, PublishableAdmin):
    resource_classes = (
        imports.RecognitionResource,
        imports.RescuerResource,
        imports.RescuedPersonResource,
    )
    list_display = (
        "title",
        "file_number",
        "date_edtf",
        "country_code",
        "rescuer_count",
    )
    list_filter = ("country_code", *PublishableAdmin.list_filter)
    search_fields = (
        "title",
        "title_en",
        "file_number",
        "rescuers__person__family_name",
        "rescuers__name_as_listed",
    )
    autocomplete_fields = ("places", "ceremony")
    inlines = (RescuerInline, RescuedPersonInline, CitationInline)

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(rescuer_total=Count("rescuers"))

    @admin.display(description=_("rescuers"), ordering="rescuer_total")
    def rescuer_count(self, obj: Recognition) -> int:
        return obj.rescuer_total
