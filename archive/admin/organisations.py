from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from archive import imports
from archive.admin.base import CitationInline, PublishableAdmin
from archive.admin.imports import ImportExportAdminMixin
from archive.models import Membership, Organisation


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)
    fields = ("person", "role", "period_edtf")
    verbose_name_plural = _("members")


@admin.register(Organisation)
class OrganisationAdmin(ImportExportAdminMixin, PublishableAdmin):
    resource_classes = (imports.OrganisationResource,)
    list_display = ("name", "acronym", "kind", "date_edtf")
    list_filter = ("kind", *PublishableAdmin.list_filter)
    search_fields = ("name", "name_en", "name_fr", "name_nl", "acronym")
    autocomplete_fields = ("places",)
    inlines = (OrganisationMembershipInline, CitationInline)
