"""The real client address of a request, the one rule for login lockouts and the
API's rate limits.

Behind `TRUSTED_PROXIES` proxies that each append the address they received from
to `X-Forwarded-For`, the client is the address the outermost trusted proxy saw:
the `TRUSTED_PROXIES`-th entry from the right. Entries further left were written
by the client itself and are ignored, so a forged `X-Forwarded-For` neither hides
an attacker nor resets a count. With no trusted proxy the peer address is used.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address to count failures and requests against (never client-chosen)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    return forwarded[-min(trusted, len(forwarded))]
