"""The curators' admin site, whose front page shows what needs attention.

Kept outside the archive.admin package: Django imports the site class while the
admin modules register themselves, and importing that package from here would
create a second site.
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive import admin_translations, security_keys, two_factor
from archive.admin_translations import changelist_url as _changelist
from archive.kinds import PUBLISHABLE_MODELS
from archive.models import Image, Outcome, Status, TaskReport
from archive.two_factor import (
    StaffLoginForm,
    is_verified,
    needs_enrolment,
    two_factor_required,
)

ATTENTION_WINDOW_DAYS = 30
#: Every state but withdrawn, as a changelist filter (the counts exclude withdrawn).
NOT_WITHDRAWN = ",".join(s for s in Status.values if s != Status.WITHDRAWN)


def _may_view(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def attention_items(user) -> list[dict]:
    """Rows for the dashboard: label, count and a link to the records concerned,
    for the kinds `user` may see (an Archive manager sees none: each row's link
    would answer 403)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=ATTENTION_WINDOW_DAYS)
    rows: list[dict] = []
    for model in PUBLISHABLE_MODELS:
        if not _may_view(user, model):
            continue
        name = model._meta.verbose_name_plural
        review = model.objects.filter(status=Status.REVIEW).count()
        if review:
            rows.append(
                {
                    "label": _("%(name)s awaiting review") % {"name": name},
                    "count": review,
                    "url": _changelist(model, status__exact=Status.REVIEW),
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
                        "url": _changelist(
                            model, status__in=NOT_WITHDRAWN, citations__isnull="True"
                        ),
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
                    "url": _changelist(
                        model,
                        status__exact=Status.PUBLISHED,
                        embargo_until__gte=today.isoformat(),
                        embargo_until__lte=soon.isoformat(),
                    ),
                }
            )
    missing = Image.objects.exclude(status=Status.WITHDRAWN).filter(
        Q(alt_text_en__isnull=True) | Q(alt_text_en="") | Q(rights_uri="")
    )
    if _may_view(user, Image) and missing.exists():
        rows.append(
            {
                "label": _("images missing alt text or a rights statement"),
                "count": missing.count(),
                "url": _changelist(Image, status__in=NOT_WITHDRAWN, needs="either"),
            }
        )
    return rows + admin_translations.dashboard_rows()


def scheduled_count() -> int:
    """Records of every kind waiting for their publication time: one query (a
    UNION ALL of the kinds' tables) rather than one count per kind."""
    first, *others = (
        model.objects.filter(publish_at__isnull=False).order_by().values("publish_at")
        for model in PUBLISHABLE_MODELS
    )
    return first.union(*others, all=True).count()


def background_items() -> list[dict]:
    """Rows for background work: what failed or was refused and nobody has marked
    as seen, records waiting for their publication time, and the last fixity check
    (a week without one means the worker or beat is not running)."""
    rows: list[dict] = []
    reports = _changelist(TaskReport)
    outcomes = (
        (Outcome.FAILED, _("background tasks that failed after retries")),
        (Outcome.REFUSED, _("scheduled publications the workflow refused")),
        (Outcome.PROBLEMS, _("fixity checks that found problems")),
    )
    # One query for the three counts rather than one per outcome.
    counts = TaskReport.objects.needing_attention().aggregate(
        **{outcome: Count("pk", filter=Q(outcome=outcome)) for outcome, _l in outcomes}
    )
    for outcome, label in outcomes:
        if counts[outcome]:
            rows.append(
                {
                    "label": label,
                    "count": counts[outcome],
                    "url": _changelist(
                        TaskReport, outcome__exact=outcome, seen__exact="0"
                    ),
                }
            )
    scheduled = scheduled_count()
    if scheduled:
        rows.append(
            {"label": _("records scheduled for publication"), "count": scheduled}
        )
    last = TaskReport.objects.filter(task="archive.check_fixity").first()
    week_ago = timezone.now() - datetime.timedelta(days=8)
    if last is None or last.created_at < week_ago:
        rows.append(
            {
                "label": _("no fixity check in the last week (is the worker running?)"),
                "count": "",
                "url": reports,
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
        response = super().login(request, extra_context)
        if getattr(request, "security_key_step", False):
            # The password was right and the staff member has a security key:
            # not logged in yet, on to the key (archive/security_keys.py).
            return HttpResponseRedirect(reverse("admin:two-factor-key"))
        return response

    def get_urls(self):
        return [
            path("two-factor/", two_factor.enrol, name="two-factor"),
            path("two-factor/key/", security_keys.key_login, name="two-factor-key"),
            path(
                "two-factor/key/begin/",
                security_keys.login_begin,
                name="two-factor-key-begin",
            ),
            path(
                "two-factor/key/finish/",
                security_keys.login_finish,
                name="two-factor-key-finish",
            ),
            path(
                "two-factor/keys/add/begin/",
                security_keys.register_begin,
                name="security-key-add-begin",
            ),
            path(
                "two-factor/keys/add/finish/",
                security_keys.register_finish,
                name="security-key-add-finish",
            ),
            path(
                "two-factor/keys/<int:pk>/remove/",
                security_keys.remove_key,
                name="security-key-remove",
            ),
            path(
                "translations/",
                self.admin_view(admin_translations.translation_report),
                name="archive_translations",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        attention = attention_items(request.user)
        if request.user.has_perm("archive.view_taskreport"):
            attention += background_items()
        extra_context = {**(extra_context or {}), "attention": attention}
        return super().index(request, extra_context)
