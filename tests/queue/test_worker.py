"""A real Celery worker on Redis, killed in the middle of a task, loses nothing: the
message was not acknowledged, so Redis hands it to the next worker, which finishes
the work (the task is idempotent). Needs Redis on 127.0.0.1:6379 (REDIS_TEST_URL
names another)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from archive import models as m
from tests import factories as f

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")
#: Seconds after which Redis hands an unacknowledged message to another worker.
VISIBILITY_TIMEOUT = 2


def _redis_or_fail() -> None:
    address = urlparse(REDIS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), 2).close()
    except OSError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set REDIS_TEST_URL).")


def database_url() -> str:
    """The test database, as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """`celery -A memorial worker` in its own process group, on a private queue."""

    def __init__(self, queue: str, media: Path, marker: Path, log: Path) -> None:
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "ENV_FILE": "",
            "DEBUG": "0",
            "SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(media),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_QUEUE": queue,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            # Look for it every second, not every 100 (kombu's default).
            "CELERY_RESTORE_INTERVAL": "1",
            "SLOW_RENDER_MARKER": str(marker),
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, slow_seconds: float) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "memorial",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-I",
            "tests.queue.slow_renders",
            "--loglevel=INFO",
        ]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env={**self.env, "SLOW_RENDER_SECONDS": str(slow_seconds)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would: no shutdown
        handler runs, nothing is acknowledged or handed back."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def wait_for(condition, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}.\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_loses_no_rendition(tmp_path, _isolated_media):
    """Kill -9 the worker while it renders a newly published image; a new worker
    started afterwards makes every rendition, each exactly once."""
    _redis_or_fail()
    image = f.make_image()  # its upload's private thumbnail is made in process
    m.Image.objects.filter(pk=image.pk).update(status=m.Status.PUBLISHED)
    specs = lambda: set(image.renditions.values_list("spec", flat=True))  # noqa: E731
    assert specs() == {"fill-200x200"}
    queue = f"memorial-test-{uuid.uuid4().hex}"
    marker = tmp_path / "rendering"
    worker = Worker(queue, _isolated_media, marker, tmp_path / "worker.log")
    sender = Celery(broker=REDIS_URL)
    sender.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    try:
        worker.start(slow_seconds=60)
        sender.send_task("archive.sync_image_renditions", args=[image.pk], queue=queue)
        wait_for(marker.exists, 180, "the worker to start rendering", worker.log)
        worker.kill()
        assert specs() == {"fill-200x200"}, "killed before the card was made"

        worker.start(slow_seconds=0)
        expected = {"fill-200x200", "fill-400x300", "max-1600x1600"}
        wait_for(
            lambda: specs() == expected,
            180,
            "the next worker to finish the task",
            worker.log,
        )
        assert image.renditions.count() == len(expected)
        assert all(rendition.is_public for rendition in image.renditions.all())
    finally:
        worker.kill()
        with sender.connection_for_write() as conn:
            # The queue and its bindings; a copy Redis handed back after the
            # 2-second visibility timeout (the task is idempotent) goes with it.
            conn.default_channel.client.delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )
        sender.close()
