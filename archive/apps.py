from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"
    default = True

    def ready(self) -> None:
        from archive import checks  # noqa: F401  (registers system checks)


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the archive's site (dashboard) as the default site."""

    default = False
    default_site = "archive.admin_site.ArchiveAdminSite"
