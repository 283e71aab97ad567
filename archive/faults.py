"""When a dependency fails mid-request: a clear 503 (or 507), never a 500.

The database dropping its connection, object storage answering 5xx or not at all,
and a full disk are faults of the service, not of the request: the visitor (or
exhibition app) is told to try again (`503 Service Unavailable` with `Retry-After`;
`507 Insufficient Storage` for a full disk), as problem+json under `/api/` and as the
site's 503 page elsewhere. Nothing is half written: the admin's saves are atomic, so
the transaction that met the fault rolls back, and a file stored for it goes with it
(`archive.storage.save_with_transaction`). The broken database connection is closed
so the next request opens a new one.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

from archive.api.problems import is_api_request, problem_response

logger = logging.getLogger(__name__)

#: Seconds a client should wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


class StorageUnavailable(Exception):
    """Object storage failed (5xx, timeout, connection refused), not a missing file."""


def is_storage_outage(error: BaseException) -> bool:
    """True for a storage backend that failed, as opposed to a file that is absent."""
    if isinstance(error, StorageUnavailable):
        return True
    try:
        from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
    except ImportError:  # the s3 extra is not installed
        return False
    if isinstance(error, ConnectionError | HTTPClientError):
        return True  # refused, reset, connect or read timeout
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or status in (408, 429)
    return False


def is_database_outage(error: BaseException) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def _close_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue  # the outermost atomic block closes or rolls it back
        try:
            connection.close_if_unusable_or_obsolete()
        except DatabaseError:
            connection.close()


def unavailable_response(
    request: HttpRequest, status: int, detail: str, code: str
) -> HttpResponse:
    """The API's problem+json or the site's plain error page, never cached."""
    if is_api_request(request):
        response = problem_response(request, status, detail, code)
    else:
        page = loader.get_template("503.html").render(
            {"status": status, "detail": detail}
        )
        response = HttpResponse(page, status=status)
        response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceUnavailableMiddleware:
    """Turns a dependency's failure into 503 (or 507 for a full disk)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        for matches, status, code, detail in FAULTS:
            if matches(exception):
                logger.error("%s: %s", code, exception)
                if status == 503:
                    _close_broken_connections()
                return unavailable_response(request, status, str(detail), code)
        return None


#: (is it this fault?, status, code, what the visitor is told), first match wins.
FAULTS = (
    (
        is_database_outage,
        503,
        "database_unavailable",
        _("The archive's database is unavailable; please try again shortly."),
    ),
    (
        is_storage_outage,
        503,
        "storage_unavailable",
        _("The archive's file storage is unavailable; please try again."),
    ),
    (
        is_disk_full,
        507,
        "insufficient_storage",
        _(
            "The archive has no room left to store this file; nothing was saved. "
            "Tell the administrator."
        ),
    ),
)
