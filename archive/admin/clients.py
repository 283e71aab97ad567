from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from archive.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Keys are generated here and shown once; only their hash is stored."""

    list_display = ("name", "tier", "is_active", "key_prefix", "last_used_at")
    list_filter = ("tier", "is_active")
    search_fields = ("name", "contact", "key_prefix")
    readonly_fields = ("key_prefix", "created_at", "last_used_at")
    actions = ("rotate_key",)

    def save_model(self, request, obj, form, change):
        key = obj.set_new_key() if not change else None
        super().save_model(request, obj, form, change)
        if key:
            self._show_key(request, obj, key)

    def _show_key(self, request, obj: ApiClient, key: str) -> None:
        self.message_user(
            request,
            _("API key for %(name)s (copy it now; it is not shown again): %(key)s")
            % {"name": obj.name, "key": key},
            messages.WARNING,
        )

    @admin.action(
        description=_("Issue a new key (the old one stops working)"),
        permissions=["change"],
    )
    def rotate_key(self, request, queryset):
        for client in queryset:
            key = client.set_new_key()
            client.save()
            self._show_key(request, client, key)
