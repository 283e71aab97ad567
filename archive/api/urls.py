"""The API's addresses, under /api/v1/. Records are addressed by their UUID."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from archive.api import views

app_name = "api"

router = SimpleRouter()
router.register("recognitions", views.RecognitionViewSet, basename="recognition")
router.register("people", views.PersonViewSet, basename="person")
router.register("testimonies", views.TestimonyViewSet, basename="testimony")
router.register("images", views.ImageViewSet, basename="image")
router.register("sources", views.SourceViewSet, basename="source")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("places", views.PlaceViewSet, basename="place")
router.register("events", views.EventViewSet, basename="event")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("exhibitions", views.ExhibitionViewSet, basename="exhibition")

urlpatterns = [
    path("v1/", views.ApiRootView.as_view(), name="root"),
    path("v1/search/", views.SearchView.as_view(), name="search"),
    path("v1/changes/", views.ChangesView.as_view(), name="changes"),
    path("v1/renditions/<str:token>/", views.rendition_file, name="rendition-file"),
    path("v1/schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("v1/docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
]
