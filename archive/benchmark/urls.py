"""bench_api's URLconf: the site's, plus the ceiling view at /api/bench/ceiling/."""

from django.urls import path

from archive.benchmark.ceiling import ceiling
from memorial.urls import (  # noqa: F401  (Django reads the error handlers here)
    handler400,
    handler403,
    handler404,
    handler500,
)
from memorial.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("api/bench/ceiling/", ceiling), *site_urlpatterns]
