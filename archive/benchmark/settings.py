"""Settings for `manage.py bench_api`'s server: never used by the site.

The project's own settings (read from the environment bench_api sets), plus the
benchmark's URLconf, which adds the ceiling view, and the middleware that lets cold
runs skip the response cache.
"""

from memorial.settings import *  # noqa: F403
from memorial.settings import MIDDLEWARE

ROOT_URLCONF = "archive.benchmark.urls"
MIDDLEWARE = [*MIDDLEWARE, "archive.benchmark.middleware.cold_runs"]
