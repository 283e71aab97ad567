"""URL configuration: the admin, the public pages and the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from archive.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("archive.api.urls")),
    path("", include("archive.urls")),
]

# Errors under /api/ answer application/problem+json; everywhere else, HTML pages.
handler400 = "archive.api.problems.handler400"
handler403 = "archive.api.problems.handler403"
handler404 = "archive.api.problems.handler404"
handler500 = "archive.api.problems.handler500"

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
