"""Security keys and passkeys (WebAuthn) as a second factor for staff logins.

A django-otp device, so everything that asks "has this user a second factor?" or
"did this session give one?" (`archive.two_factor`, django-otp's middleware) counts
a key exactly like an authenticator app. The ceremony itself is in
`archive/security_keys.py`; only the public key is stored, never a secret.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class SecurityKey(Device):
    """One registered WebAuthn credential (a security key, or a passkey)."""

    credential_id = models.CharField(
        _("credential id"),
        max_length=1400,
        unique=True,
        editable=False,
        help_text=_("The credential's id as the authenticator gave it (base64url)."),
    )
    public_key = models.BinaryField(
        _("public key"),
        editable=False,
        help_text=_("The credential's public key (COSE), checked at every login."),
    )
    sign_count = models.PositiveBigIntegerField(
        _("signature counter"),
        default=0,
        editable=False,
        help_text=_(
            "The authenticator's counter at the last login; a counter that does not "
            "grow betrays a cloned key."
        ),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
