"""Accounts: Django's user admin, opened to Archive managers within limits.

A superuser sees Django's user admin unchanged. An Archive manager (see
`archive.groups`) invites curators (the add form), gives them one of the three
curator groups and deactivates accounts, and cannot make anyone a superuser, give
direct permissions, or change an account with more rights than a Publisher
(`archive.workflow.may_manage_account`).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from archive import groups, workflow
from archive.admin.base import name_date_and_time
from archive.groups import CURATOR_GROUPS

User = get_user_model()

#: What a manager sees and edits on an account (no permissions, no superuser flag).
MANAGER_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
    (_("Curator access"), {"fields": ("is_active", "is_staff", "groups")}),
    (_("Important dates"), {"fields": ("last_login", "date_joined")}),
)


class GroupFilter(admin.SimpleListFilter):
    """Users by group, each group named in the curator's language."""

    title = _("group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        return [
            (str(pk), groups.label(name))
            for pk, name in Group.objects.order_by("name").values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(groups__pk=int(value))


class OneGroupSelect(forms.RadioSelect):
    """Radio buttons for a many-to-many field that must hold one value: the posted
    value is still a list, as the groups field expects."""

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name)


class ArchiveUserAdmin(UserAdmin):
    list_filter = tuple(
        GroupFilter if name == "groups" else name for name in UserAdmin.list_filter
    )

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        name_date_and_time(db_field, formfield)
        return formfield

    def _limited(self, request: HttpRequest) -> bool:
        return not request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.may_manage_account(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.may_manage_account(request.user, obj)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if obj is not None and self._limited(request):
            return MANAGER_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self._limited(request):
            return (*fields, "last_login", "date_joined")
        return fields

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        """A manager assigns only the three curator groups."""
        if db_field.name == "groups" and self._limited(request):
            kwargs["queryset"] = Group.objects.filter(name__in=CURATOR_GROUPS)
            # One group: radio buttons, not the two-box selector that offers
            # "Choose all" and says to hold Ctrl to select several.
            kwargs["widget"] = OneGroupSelect(attrs={"class": "radiolist"})
            kwargs["help_text"] = _("Give the curator exactly one group.")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label_from_instance = lambda group: groups.label(group.name)
        return field

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not self._limited(request):
            return form

        class OneGroupForm(form):
            def clean_groups(self):
                groups = self.cleaned_data.get("groups")
                if groups is not None and len(groups) > 1:
                    raise forms.ValidationError(
                        _("Choose one group: a curator has exactly one.")
                    )
                return groups

            def save(self, commit=True):
                user = super().save(commit=False)
                if self.cleaned_data.get("groups"):
                    user.is_staff = True  # a curator with a group logs in here
                if commit:
                    user.save()
                    self.save_m2m()
                return user

        return OneGroupForm


admin.site.unregister(User)
admin.site.register(User, ArchiveUserAdmin)


class ArchiveGroupAdmin(GroupAdmin):
    """Django's group admin, each group also named in the curator's language."""

    list_display = ("name", "translated_name")

    @admin.display(description=_("name in your language"))
    def translated_name(self, group: Group) -> str:
        return groups.label(group.name)


admin.site.unregister(Group)
admin.site.register(Group, ArchiveGroupAdmin)
