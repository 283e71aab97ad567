"""API clients: exhibition apps that read more than the public with a key."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KEY_PREFIX_LENGTH = 8


class Tier(models.TextChoices):
    PUBLIC = "public", _("Public (same as anonymous, higher rate limit)")
    EXHIBITION = "exhibition", _("Exhibition (also sees exhibition-only records)")


class ApiClient(models.Model):
    """An exhibition app. Only a hash of its key is stored; the key is shown once."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. 'Dossin kiosk 2'")
    )
    contact = models.CharField(
        _("contact"),
        max_length=255,
        blank=True,
        help_text=_("Who to call about this app."),
    )
    tier = models.CharField(
        _("tier"), max_length=12, choices=Tier.choices, default=Tier.PUBLIC
    )
    is_active = models.BooleanField(
        pgettext_lazy("API key", "active"),
        default=True,
        help_text=_("Untick to revoke the key at once."),
    )
    key_prefix = models.CharField(
        _("key prefix"), max_length=KEY_PREFIX_LENGTH, unique=True, editable=False
    )
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sees_exhibition_records(self) -> bool:
        return self.is_active and self.tier == Tier.EXHIBITION

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are 256-bit random strings, so a fast hash is enough: there is no
        # dictionary to attack, unlike passwords.
        return hashlib.sha256(key.encode()).hexdigest()

    def set_new_key(self) -> str:
        """Generate a key, store its hash and prefix, and return the key (once)."""
        while True:
            key = secrets.token_urlsafe(32)
            prefix = key[:KEY_PREFIX_LENGTH]
            if (
                not ApiClient.objects.filter(key_prefix=prefix)
                .exclude(pk=self.pk)
                .exists()
            ):
                break
        self.key_prefix = prefix
        self.key_hash = self.hash_key(key)
        return key

    @classmethod
    def authenticate(cls, key: str) -> ApiClient | None:
        """The active client owning `key`, or None. Constant-time comparison."""
        if not key or len(key) < KEY_PREFIX_LENGTH or "\x00" in key:
            return None
        client = cls.objects.filter(key_prefix=key[:KEY_PREFIX_LENGTH]).first()
        if client is None or not hmac.compare_digest(
            client.key_hash, cls.hash_key(key)
        ):
            return None
        return client if client.is_active else None
