"""Two-factor login for staff: TOTP codes from an authenticator app (django-otp), or
a security key / passkey (WebAuthn, `archive/security_keys.py`).

Optional for every staff member: whoever sets up an authenticator or a key (Admin >
"Two-factor login") must give a code, or touch the key, at every later login. Required for Publishers (and
superusers) when `ARCHIVE_2FA_FOR_PUBLISHERS` is on: until they have set one up,
the admin sends them to the set-up page and nowhere else. Either factor will do. Off by default, so a fresh
quickstart and the tests log in with a password alone.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.models import SecurityKey

PUBLISHER_GROUP = "Publisher"


def two_factor_required(user: Any) -> bool:
    """Must this user give a second factor to use the admin?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_has_device(user, confirmed=True):
        return True
    if not settings.ARCHIVE_2FA_FOR_PUBLISHERS:
        return False
    return user.is_superuser or user.groups.filter(name=PUBLISHER_GROUP).exists()


def is_verified(user: Any) -> bool:
    checker = getattr(user, "is_verified", None)
    return bool(checker and checker())


def admin_site_context(request: HttpRequest) -> dict[str, Any]:
    """The admin's header, title and links, for the two-factor pages."""
    from django.contrib import admin

    return admin.site.each_context(request)


def may_manage_factors(user: Any) -> bool:
    """May this staff member add or remove a second factor? Only with none yet, or
    after giving one in this session: a stolen password alone swaps nothing."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return not user_has_device(user, confirmed=True) or is_verified(user)


def needs_enrolment(user: Any) -> bool:
    """Required to use two factors but has no authenticator yet."""
    return two_factor_required(user) and not user_has_device(user, confirmed=True)


#: The session key holding who typed a right password and waits for their security
#: key's answer (read by archive.security_keys.key_login).
PENDING = "webauthn_pending_login"


def start_key_login(request: HttpRequest, user: Any, next_url: str) -> None:
    """Called by the password form: remember who typed a right password."""
    request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}


class StaffLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin login: password, and the authenticator's code for staff who set
    one up (left empty by everyone else). Staff with a security key who leave the
    code empty are not logged in here: the admin sends them on to touch their key
    (`request.security_key_step`, read by `ArchiveAdminSite.login`)."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        help_text=_(
            "The six digits your authenticator app shows, if you set up two-factor "
            "login. Leave empty otherwise."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def _chosen_device(self, user: Any) -> Any:
        """The form has no device chooser: each staff member has one authenticator."""
        chosen = super()._chosen_device(user)
        if chosen is None:
            chosen = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not user_has_device(user, confirmed=True):
            return cleaned
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token and SecurityKey.objects.filter(user=user, confirmed=True):
            data = self.request.POST if self.request else {}
            start_key_login(self.request, user, data.get(REDIRECT_FIELD_NAME, ""))
            self.request.security_key_step = True
            raise forms.ValidationError(
                _("Use your security key to finish logging in."), code="security_key"
            )
        self.clean_otp(user)
        return cleaned


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        help_text=_("Add the key to your app, then type the six digits it shows."),
    )


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """The staff member's own two-factor page: set up an authenticator app (show
    the key, confirm it with one code), add or remove security keys."""
    user = request.user
    if not may_manage_factors(user):
        return HttpResponseRedirect(reverse("admin:login"))
    context: dict[str, Any] = {
        **admin_site_context(request),
        "required": two_factor_required(user),
        "title": _("Two-factor login"),
        "security_keys": SecurityKey.objects.filter(user=user, confirmed=True),
        "totp_on": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    if context["totp_on"]:
        return render(request, "admin/two_factor.html", context)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("Authenticator app")), confirmed=False
        )
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return HttpResponseRedirect(reverse("admin:index"))
        form.add_error("token", _("That code is not right; try the current one."))
    context.update(
        form=form, key=b32encode(device.bin_key).decode(), config_url=device.config_url
    )
    return render(request, "admin/two_factor.html", context)
