"""Loaded into a test's Celery worker (`celery worker -I tests.queue.slow_renders`):
each render first touches a marker file, then waits, so the test can kill the worker
while a task is surely in the middle of its work. Never imported by the site."""

from __future__ import annotations

import os
import time
from pathlib import Path

from archive.models import Image

_render_original = Image.render_original


def _slow_render_original(self, spec, fmt):
    Path(os.environ["SLOW_RENDER_MARKER"]).touch()
    time.sleep(float(os.environ.get("SLOW_RENDER_SECONDS", "0")))
    return _render_original(self, spec, fmt)


Image.render_original = _slow_render_original
