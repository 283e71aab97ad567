"""Public pages: one detail page per record type, plus the staff preview link."""

from django.urls import path

from archive import media_views, views

app_name = "archive"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
]
for _kind, _model in views.DETAIL_ROUTES.items():
    urlpatterns.append(
        path(
            f"{_kind}/<slug:slug>/",
            views.RecordDetailView.as_view(model=_model),
            name=f"{_model._meta.model_name}-detail",
        )
    )

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
