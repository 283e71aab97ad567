from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from archive import imports
from archive.admin.base import CitationInline, PublishableAdmin
from archive.admin.imports import ImportExportAdminMixin
from archive.models import Membership, NameVariant, Person


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    extra = 0


class PersonMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "period_edtf")
    verbose_name_plural = _("memberships of organisations")


@admin.register(Person)
class PersonAdmin(ImportExportAdminMixin, PublishableAdmin):
    resource_classes = (imports.PersonResource,)
    list_display = ("sort_name_display", "birth_edtf", "death_edtf", "is_living")
    list_filter = ("is_living", "gender", "roles", *PublishableAdmin.list_filter)
    search_fields = ("family_name", "given_names", "name_variants__name", "wikidata_id")
    autocomplete_fields = ("birth_place", "death_place")
    filter_horizontal = ("roles",)
    inlines = (NameVariantInline, PersonMembershipInline, CitationInline)

    @admin.display(description=_("name"), ordering="family_name")
    def sort_name_display(self, obj: Person) -> str:
        return obj.sort_name
