"""The Celery application: `celery -A memorial worker` and `celery -A memorial beat`.

Configured from Django's settings (every `CELERY_*` setting in memorial/settings.py);
the tasks live in `archive/tasks.py` with their periodic schedule.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memorial.settings")

app = Celery("memorial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
