"""The curator admin, one module per model module (see archive/models/)."""

# django-otp registers its device admin on the default site; devices are managed
# on the staff member's own "Two-factor login" page (archive/two_factor.py), and
# every model on this site is covered by the permission matrix.
from contextlib import suppress

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.admin import (  # noqa: F401  (registers the admins)
    clients,
    events,
    exhibitions,
    figures,
    images,
    organisations,
    people,
    places,
    righteous,
    sources,
    tasks,
    terms,
    testimonies,
    users,
)

with suppress(NotRegistered):
    admin.site.unregister(TOTPDevice)
