"""Public pages (under a language prefix, see memorial/urls.py): home, a browse
list and a page per record kind, the timeline, the map, the feed, search, and the
staff preview link and file downloads."""

from django.urls import path

from archive import kinds, media_views, views
from archive.site import lists, machines, pages, search

app_name = "archive"

urlpatterns = [
    path("", lists.home, name="home"),
    path("timeline/", lists.timeline, name="timeline"),
    path("map/", lists.places_map, name="places-map"),
    path("search/", search.search_page, name="search"),
    path("feed/", machines.RecentFeed(), name="feed"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
]
for _kind in kinds.KINDS:
    urlpatterns += [
        path(
            f"{_kind.plural}/",
            lists.browse,
            {"kind": _kind.name},
            name=f"browse-{_kind.plural}",
        ),
        path(
            f"{_kind.plural}/<slug:slug>/",
            pages.record_page,
            {"kind": _kind.name},
            name=f"{_kind.model._meta.model_name}-detail",
        ),
    ]

# Files: staff downloads of originals, private renditions, source documents.
urlpatterns += [
    path(
        "files/originals/<int:pk>/",
        media_views.image_original,
        name="image-original",
    ),
    path(
        "files/renditions/<path:name>",
        media_views.private_rendition,
        name="rendition-private",
    ),
    path(
        "sources/<slug:slug>/file/",
        media_views.source_document,
        name="source-file",
    ),
]
