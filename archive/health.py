"""`/health/`: is this instance able to serve? For a load balancer and monitoring.

Checks the database (one query), file storage (one existence probe, a HEAD on S3)
and, when `CELERY_BROKER_URL` is set, the task queue's broker (a connection with
kombu). Answers 200 with `"status": "ok"` when every check passes, otherwise 503
with the failing check named; never cached, never a 500. Error details go to the
log, not to the answer: the endpoint is public.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from archive.storage import private_storage

logger = logging.getLogger(__name__)

#: Seconds each check may take before it counts as failed (broker connection).
CHECK_TIMEOUT = 3.0


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_storage() -> None:
    # A name that never exists: proves the storage answers (S3 HEAD, or a stat).
    private_storage.exists("health-check-probe")


def check_broker() -> None:
    from kombu import Connection

    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT
    ) as connection:
        connection.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)


def checks() -> dict[str, Callable[[], None]]:
    """The checks this deployment needs; the broker only where one is configured."""
    found = {"database": check_database, "storage": check_storage}
    if getattr(settings, "CELERY_BROKER_URL", ""):
        found["broker"] = check_broker
    return found


def run_checks() -> tuple[bool, dict[str, dict]]:
    results: dict[str, dict] = {}
    for name, check in checks().items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:
            logger.error("Health check %s failed: %r", name, error)
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return all(result["ok"] for result in results.values()), results


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    healthy, results = run_checks()
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results},
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response
