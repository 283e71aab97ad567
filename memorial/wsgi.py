"""WSGI entry point (gunicorn memorial.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memorial.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the
# process: move it out of the collector's reach, so a full collection scans only
# what requests create and never pauses a request for tens of milliseconds.
gc.freeze()
