"""Errors as RFC 9457 problem details (`application/problem+json`), never HTML.

DRF's exceptions go through `exception_handler`; Django-level errors under `/api/`
(an unknown URL, an unhandled exception) go through `handler404` and `handler500`,
which keep the HTML pages everywhere else. `ProblemMiddleware` catches what those
never see: Django's debug pages under DEBUG=1, a 405 from a plain Django view, a
CSRF refusal. No response ever carries a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


class InvalidParameter(exceptions.ValidationError):
    """A query parameter the API cannot use: unknown, repeated, malformed."""

    default_code = "invalid_parameter"


class Gone(exceptions.APIException):
    """The record was withdrawn: it existed for this client and no longer does."""

    status_code = 410
    default_detail = "This record has been withdrawn from the archive."
    default_code = "gone"


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    instance: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The body of a problem answer: RFC 9457 members plus `code` and extras."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if code:
        body["code"] = code
    body.update(extra)
    return body


def _flatten(detail: Any) -> Any:
    """DRF ErrorDetail trees as plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def _summary(errors: Any) -> str:
    if isinstance(errors, dict):
        parts = []
        for key, value in errors.items():
            text = _summary(value)
            parts.append(text if key == "non_field_errors" else f"{key}: {text}")
        return "; ".join(parts)
    if isinstance(errors, list):
        return " ".join(_summary(value) for value in errors)
    return str(errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering problem+json.

    Returns None for unexpected exceptions so Django's 500 handling (handler500
    below) answers them without a traceback.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    request = context.get("request")
    instance = request.path if request is not None else None
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        detail = _summary(errors) or _("The request is not valid.")
        extra["errors"] = errors
        code = getattr(exc, "default_code", "invalid")
    else:
        detail = str(exc.detail) if not isinstance(exc.detail, list | dict) else ""
        detail = detail or _summary(_flatten(exc.detail))
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Api-Key realm="api"'
    body = problem(exc.status_code, detail, code=code, instance=instance, **extra)
    response = Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


def problem_response(request: HttpRequest, status: int, detail: str, code: str):
    body = problem(status, detail, code=code, instance=request.path)
    response = HttpResponse(
        json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def handler400(request: HttpRequest, exception: Exception | None = None):
    if is_api_request(request):
        return problem_response(request, 400, _("The request is not valid."), "invalid")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None):
    if is_api_request(request):
        return problem_response(request, 403, _("Not allowed."), "permission_denied")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception | None = None):
    if is_api_request(request):
        return problem_response(
            request, 404, _("There is nothing at this address."), "not_found"
        )
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest):
    if is_api_request(request):
        return problem_response(
            request,
            500,
            _("The server failed to answer; the error has been logged."),
            "server_error",
        )
    return defaults.server_error(request)


#: Headers an error keeps when its body is replaced.
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Vary")


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _detail(request: HttpRequest, response: HttpResponse) -> tuple[str, str]:
    status = response.status_code
    if status == 404:
        return _("There is nothing at this address."), "not_found"
    if status == 405:
        allowed = response.get("Allow", "GET, HEAD")
        return (
            _("This address does not accept %(method)s; it answers %(allowed)s.")
            % {"method": request.method, "allowed": allowed},
            "method_not_allowed",
        )
    if status == 403:
        return _("Not allowed."), "permission_denied"
    if status >= 500:
        return (
            _("The server failed to answer; the error has been logged."),
            "server_error",
        )
    return HTTPStatus(status).phrase, HTTPStatus(status).phrase.lower().replace(
        " ", "_"
    )


class ProblemMiddleware:
    """Every error under /api/ is problem+json, whatever produced it: Django's
    technical 404 and 500 pages under DEBUG=1 (an address that matches no route,
    an unhandled exception), an empty 405 from a plain Django view, an HTML CSRF
    refusal. Errors already in JSON (DRF's, through `exception_handler`) pass."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_request(request)
            or _is_json(response.get("Content-Type", ""))
        ):
            return response
        detail, code = _detail(request, response)
        replaced = problem_response(request, response.status_code, detail, code)
        for header in _KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced
