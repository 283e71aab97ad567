"""The curators' admin site, whose front page shows what needs attention.

Kept outside the archive.admin package: Django imports the site class while the
admin modules register themselves, and importing that package from here would
create a second site.
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive import two_factor
from archive.kinds import PUBLISHABLE_MODELS
from archive.models import Image, Status
from archive.two_factor import (
    StaffLoginForm,
    is_verified,
    needs_enrolment,
    two_factor_required,
)

ATTENTION_WINDOW_DAYS = 30


def _changelist(model, query: str = "") -> str | None:
    try:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def attention_items() -> list[dict]:
    """Rows for the dashboard: label, count and a link to the records concerned."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=ATTENTION_WINDOW_DAYS)
    rows: list[dict] = []
    for model in PUBLISHABLE_MODELS:
        name = model._meta.verbose_name_plural
        review = model.objects.filter(status=Status.REVIEW).count()
        if review:
            rows.append(
                {
                    "label": _("%(name)s awaiting review") % {"name": name},
                    "count": review,
                    "url": _changelist(model, "status__exact=review"),
                }
            )
        if model.requires_citation:
            uncited = (
                model.objects.exclude(status=Status.WITHDRAWN)
                .filter(citations__isnull=True)
                .count()
            )
            if uncited:
                rows.append(
                    {
                        "label": _("%(name)s without a citation") % {"name": name},
                        "count": uncited,
                        "url": _changelist(model),
                    }
                )
        lifting = model.objects.filter(
            status=Status.PUBLISHED, embargo_until__gte=today, embargo_until__lte=soon
        ).count()
        if lifting:
            rows.append(
                {
                    "label": _("%(name)s whose embargo lifts within %(days)s days")
                    % {"name": name, "days": ATTENTION_WINDOW_DAYS},
                    "count": lifting,
                    "url": _changelist(model),
                }
            )
    missing = Image.objects.exclude(status=Status.WITHDRAWN).filter(
        Q(alt_text_en__isnull=True) | Q(alt_text_en="") | Q(rights_uri="")
    )
    if missing.exists():
        rows.append(
            {
                "label": _("images missing alt text or a rights statement"),
                "count": missing.count(),
                "url": _changelist(Image),
            }
        )
    return rows


class ArchiveAdminSite(admin.AdminSite):
    site_header = _("Memorial archive")
    site_title = _("Memorial archive curation")
    index_title = _("Curation")

    login_form = StaffLoginForm

    def has_permission(self, request) -> bool:
        """Staff, and verified by a second factor where one is required."""
        if not super().has_permission(request):
            return False
        user = request.user
        return not two_factor_required(user) or is_verified(user)

    def login(self, request, extra_context=None):
        if request.user.is_staff and needs_enrolment(request.user):
            return HttpResponseRedirect(reverse("admin:two-factor"))
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("two-factor/", two_factor.enrol, name="two-factor"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "attention": attention_items()}
        return super().index(request, extra_context)
