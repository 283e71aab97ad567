"""Public pages: one detail page per record type, plus the staff preview link."""

from django.urls import path

from archive import views

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
