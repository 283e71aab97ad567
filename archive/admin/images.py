from django.contrib import admin

from archive.admin.base import PublishableAdmin
from archive.models import Image


@admin.register(Image)
class ImageAdmin(PublishableAdmin):
    list_display = ("title", "rights_uri", "width", "height")
    search_fields = ("title", "title_en", "creator", "credit_line", "sha256")
