"""Security keys and passkeys (WebAuthn) as a second factor for staff.

py_webauthn (Duo Labs) does the cryptography: it checks the challenge, the origin,
the relying party, the signature and the signature counter. This module only keeps
the ceremony honest around it:

- every challenge lives in the staff member's session, is good for ONE answer (it is
  removed before the answer is checked) and for `WEBAUTHN_CHALLENGE_SECONDS`;
- the relying party id and the accepted origins come from settings
  (`WEBAUTHN_RP_ID`, `WEBAUTHN_ORIGINS`), never from the request;
- a refused answer is a 400 with a message (JSON, read by
  `archive/static/archive/webauthn.js`), never a 500.

Logging in: the password form (`archive.two_factor.StaffLoginForm`) does not log in
a staff member who has a key and gave no authenticator code; it remembers who they
are for `WEBAUTHN_CHALLENGE_SECONDS` and sends them to `key_login`, which logs them
in once the key has answered. Until then they have no session at all.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, login, user_login_failed
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from archive.models import SecurityKey
from archive.two_factor import PENDING, admin_site_context, may_manage_factors

CHALLENGE = "webauthn_challenge"
NAME_MAX_LENGTH = 64


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _fresh(stamp: float | None) -> bool:
    return stamp is not None and 0 <= time.time() - stamp <= (
        settings.WEBAUTHN_CHALLENGE_SECONDS
    )


def _remember_challenge(request: HttpRequest, purpose: str, challenge: bytes) -> None:
    request.session[CHALLENGE] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
    }


def _take_challenge(request: HttpRequest, purpose: str) -> bytes | None:
    """The challenge given for `purpose`, removed so it can answer only once;
    None if there is none, it was for something else, or it has expired."""
    stored = request.session.pop(CHALLENGE, None)
    if not isinstance(stored, dict) or stored.get("purpose") != purpose:
        return None
    if not _fresh(stored.get("at")):
        return None
    return base64url_to_bytes(stored["challenge"])


def _credential(request: HttpRequest) -> str | None:
    """The browser's answer (a JSON object), or None if the body is not one."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        return None
    return body


def _descriptors(user: Any) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
        for key in SecurityKey.objects.filter(user=user, confirmed=True)
    ]


# --- adding and removing a key (the staff member's own two-factor page) -----------


@never_cache
@require_POST
def register_begin(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_manage_factors(user):
        return _refuse(_("Log in with your second factor first."), status=403)
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_name=user.get_username(),
        user_id=f"memorial-user-{user.pk}".encode(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        timeout=settings.WEBAUTHN_CHALLENGE_SECONDS * 1000,
    )
    _remember_challenge(request, "register", options.challenge)
    return HttpResponse(options_to_json(options), content_type="application/json")


@never_cache
@require_POST
def register_finish(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_manage_factors(user):
        return _refuse(_("Log in with your second factor first."), status=403)
    body = _credential(request)
    challenge = _take_challenge(request, "register")
    if body is None:
        return _refuse(_("The browser's answer could not be read."))
    if challenge is None:
        return _refuse(_("This request has expired or was already used; try again."))
    name = str(body.get("name") or "").strip()[:NAME_MAX_LENGTH]
    try:
        verified = verify_registration_response(
            credential=body["credential"],
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGINS,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return _refuse(_("The security key's answer was refused; nothing was saved."))
    credential_id = bytes_to_base64url(verified.credential_id)
    if SecurityKey.objects.filter(credential_id=credential_id).exists():
        return _refuse(_("This security key is already registered."))
    key = SecurityKey.objects.create(
        user=user,
        name=name or _("Security key"),
        confirmed=True,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    otp_login(request, key)  # a newly enrolled staff member counts as verified
    return JsonResponse({"redirect": reverse("admin:two-factor")})


@never_cache
@require_POST
def remove_key(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_manage_factors(request.user):
        return HttpResponseRedirect(reverse("admin:login"))
    key = get_object_or_404(SecurityKey, pk=pk, user=request.user)
    key.delete()
    return HttpResponseRedirect(reverse("admin:two-factor"))


# --- logging in with a key ------------------------------------------------------


def _pending_user(request: HttpRequest) -> tuple[Any, str] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or not _fresh(pending.get("at")):
        return None
    user = (
        get_user_model()
        .objects.filter(pk=pending.get("user"), is_active=True, is_staff=True)
        .first()
    )
    if user is None:
        return None
    next_url = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = reverse("admin:index")
    return user, next_url


@never_cache
def key_login(request: HttpRequest) -> HttpResponse:
    """The second step of a login: 'Use your security key'."""
    if _pending_user(request) is None:
        return HttpResponseRedirect(reverse("admin:login"))
    context = {**admin_site_context(request), "title": _("Use your security key")}
    return render(request, "admin/two_factor_key.html", context)


@never_cache
@require_POST
def login_begin(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        return _refuse(_("Your login has expired; type your password again."))
    user, _next = found
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
        timeout=settings.WEBAUTHN_CHALLENGE_SECONDS * 1000,
    )
    _remember_challenge(request, "login", options.challenge)
    return HttpResponse(options_to_json(options), content_type="application/json")


@never_cache
@require_POST
def login_finish(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    body = _credential(request)
    challenge = _take_challenge(request, "login")
    if found is None:
        return _refuse(_("Your login has expired; type your password again."))
    user, next_url = found
    if body is None:
        return _refuse(_("The browser's answer could not be read."))
    if challenge is None:
        return _refuse(_("This request has expired or was already used; try again."))
    key = SecurityKey.objects.filter(
        user=user, confirmed=True, credential_id=str(body["credential"].get("id"))
    ).first()
    if key is None:
        return _failed(request, user, _("This security key is not registered."))
    try:
        verified = verify_authentication_response(
            credential=body["credential"],
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGINS,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return _failed(request, user, _("The security key's answer was refused."))
    key.sign_count = verified.new_sign_count
    key.last_used_at = timezone.now()
    key.save(update_fields=["sign_count", "last_used_at"])
    request.session.pop(PENDING, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, key)
    return JsonResponse({"redirect": next_url})


def _failed(request: HttpRequest, user: Any, message: str) -> JsonResponse:
    """A refused key counts as a failed login (django-axes locks after a few)."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )
    return _refuse(message)
