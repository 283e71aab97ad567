from django.contrib import admin

from archive import imports
from archive.admin.base import PublishableAdmin
from archive.admin.imports import ImportExportAdminMixin
from archive.models import Place


@admin.register(Place)
class PlaceAdmin(ImportExportAdminMixin, PublishableAdmin):
    resource_classes = (imports.PlaceResource,)
    list_display = ("name", "kind", "parent", "latitude", "longitude")
    list_filter = ("kind", *PublishableAdmin.list_filter)
    list_select_related = ("parent",)
    search_fields = ("name", "name_en", "name_fr", "name_nl", "name_de", "wikidata_id")
    autocomplete_fields = ("parent",)
