"""Renditions are made once, however many requests ask for them at the same time."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from archive import models as m
from archive.storage import PRIVATE_RENDITIONS
from tests import factories as f

THREADS = 6


# serialized_rollback: the flush after a transactional test would otherwise drop the
# curator groups (made by a data migration) that later transactional tests use.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rendition_is_made_once_under_concurrent_requests(monkeypatch, stored_files):
    """Six requests race for the same missing rendition: one render, one row, one
    file, and every request gets that rendition."""
    image = f.make_image()
    renders = []
    real_render = m.Image.render_original

    def slow_counting_render(*args):
        renders.append(threading.get_ident())
        time.sleep(0.2)  # widen the window in which a second render could start
        return real_render(*args)

    monkeypatch.setattr(m.Image, "render_original", slow_counting_render)
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def request() -> None:
        try:
            loaded = m.Image.objects.get(pk=image.pk)
            barrier.wait(timeout=10)
            results.append(loaded.get_rendition("card", "webp").pk)
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert len(renders) == 1
    assert m.Rendition.objects.filter(image=image, spec="fill-400x300").count() == 1
    webp_files = [
        name
        for name in stored_files()
        if name.startswith(f"private/{PRIVATE_RENDITIONS}") and name.endswith(".webp")
    ]
    assert len(webp_files) == 1
