"""URL configuration: the admin, the API, and the public pages under a language
prefix (`/en/`, `/fr/`, `/nl/`, `/de/`); robots.txt and sitemap.xml at the root."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from archive.health import health
from archive.media_views import public_rendition
from archive.site import machines

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("archive.api.urls")),
    path("robots.txt", machines.robots_txt, name="robots"),
    path("sitemap.xml", machines.sitemap, name="sitemap"),
    # Where the web server sends a public rendition it does not have (a lost file
    # is made again from its original: archive/media_views.py).
    path(
        "media/renditions/<path:name>",
        public_rendition,
        name="rendition-public",
    ),
]
# An address without a prefix is redirected to the visitor's language by
# LocaleMiddleware; an unknown prefix (/es/...) matches nothing and answers 404.
urlpatterns += i18n_patterns(
    path("", include("archive.urls")), prefix_default_language=True
)

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
