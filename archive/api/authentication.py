"""`Authorization: Api-Key <key>`: exhibition apps identify themselves with a key.

No key means anonymous (the public view). A key that is wrong, revoked or sent with
another scheme answers 401, so an app never silently falls back to the public view.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from archive.models import ApiClient

SCHEME = "api-key"
#: How often `last_used_at` is written; a write per request would cost more than
#: the request itself.
LAST_USED_RESOLUTION = datetime.timedelta(hours=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[None, ApiClient] | None:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        scheme, _sep, key = header.strip().partition(" ")
        if scheme.lower() != SCHEME or not key.strip():
            raise exceptions.AuthenticationFailed(
                _("Send the key as 'Authorization: Api-Key <key>'.")
            )
        client = ApiClient.authenticate(key.strip())
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        if client.last_used_at is None or (
            now - client.last_used_at > LAST_USED_RESOLUTION
        ):
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return None, client

    def authenticate_header(self, request: Request) -> str:
        return 'Api-Key realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Optional. `Api-Key <key>` for exhibition clients; without it you "
                "see what the public sees."
            ),
        }
