from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from archive.admin.base import PublishableAdmin
from archive.models import Figure


@admin.register(Figure)
class FigureAdmin(PublishableAdmin):
    list_display = ("label", "measure", "value_display", "date_edtf")
    list_filter = ("measure", *PublishableAdmin.list_filter)
    search_fields = ("label", "label_en", "measure", "unit")
    autocomplete_fields = ("scope_place",)
    ordering = ("measure", "value")

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj: Figure) -> str:
        return obj.display_value
