"""The API's addresses, under /api/v1/. Records are addressed by their UUID."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from archive import kinds
from archive.api import endpoints, views

app_name = "api"

router = SimpleRouter()
for kind in kinds.KINDS:
    router.register(kind.plural, views.viewset_for(kind.name), basename=kind.name)

urlpatterns = [
    path("v1/", endpoints.ApiRootView.as_view(), name="root"),
    path("v1/search/", endpoints.SearchView.as_view(), name="search"),
    path("v1/changes/", endpoints.ChangesView.as_view(), name="changes"),
    path("v1/renditions/<str:token>/", endpoints.rendition_file, name="rendition-file"),
    path("v1/schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("v1/docs/", endpoints.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
]
