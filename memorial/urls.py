"""URL configuration: the admin, the public pages and the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("archive.urls")),
]

if settings.DEBUG:
    from django.views.static import serve

    # Development only: public renditions. Originals (private storage) are never served.
    urlpatterns += [
        path(
            "media/<path:path>",
            serve,
            {"document_root": settings.PUBLIC_MEDIA_ROOT},
        )
    ]
