from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"
    default = True

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from archive import (
            checks,  # noqa: F401  (registers system checks)
            effects,
        )

        effects.connect()  # what follows saves and deletes (see archive/effects.py)

        # Pillow warns of a decompression bomb above this many pixels, and the
        # archive treats that warning as an error: align it with the upload cap.
        Image.MAX_IMAGE_PIXELS = settings.ARCHIVE_MAX_IMAGE_PIXELS


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the archive's site (dashboard) as the default site."""

    default = False
    default_site = "archive.admin_site.ArchiveAdminSite"
