"""Staff accounts are hard to take over: failed logins lock the account and the
client's real address; a forged X-Forwarded-For changes nothing; a deactivated
user's session ends at once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 1944"
LOGIN = "/admin/login/"


@pytest.fixture
def staff(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = f.make_user("Editor", username="editor-axes")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username: str, password: str, **meta):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        **meta,
    )


def test_an_account_is_locked_after_repeated_failures_from_any_address(client, staff):
    statuses = [
        attempt(client, staff.username, "wrong", REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]  # the form with its error, then locked
    response = attempt(client, staff.username, PASSWORD, REMOTE_ADDR="10.0.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_failures_on_many_accounts(client, staff):
    for n in range(3):
        attempt(client, f"guess{n}", "wrong", REMOTE_ADDR="203.0.113.5")
    response = attempt(client, staff.username, PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    # The account itself is not locked: its owner logs in from elsewhere.
    response = attempt(client, staff.username, PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


def test_a_forged_forwarded_for_neither_escapes_nor_resets_the_address_lock(
    client, staff, settings
):
    settings.TRUSTED_PROXIES = 1  # one proxy, which appends the real address
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    for n in range(3):
        forged = f"192.0.2.{n}, 203.0.113.7"  # forged entry, then the proxy's
        attempt(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=forged, **proxy)
    response = attempt(
        client,
        staff.username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.77, 203.0.113.7",
        **proxy,
    )
    assert response.status_code == 429
    # Another real client behind the same proxy is not locked.
    response = attempt(
        client,
        staff.username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.8",
        **proxy,
    )
    assert response.status_code == 302


def test_a_deactivated_users_session_ends_at_once(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    staff.is_active = False
    staff.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def _code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_staff_who_set_up_an_authenticator_need_its_code_to_log_in(client, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:two-factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(reverse("admin:two-factor"), {"token": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get().confirmed
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    confirmed = client.post(reverse("admin:two-factor"), {"token": _code(device)})
    assert confirmed.status_code == 302
    client.logout()

    assert attempt(client, staff.username, PASSWORD).status_code == 200  # no code
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.last_t = -1  # the code above may be reused in this 30 s step
    device.save()
    response = client.post(
        LOGIN,
        {"username": staff.username, "password": PASSWORD, "otp_token": _code(device)},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert client.get(reverse("admin:index")).status_code == 200


def test_publishers_must_set_up_two_factor_when_the_deployment_requires_it(
    client, settings
):
    publisher = f.make_user("Publisher")
    editor = f.make_user("Editor")
    client.force_login(editor)
    settings.ARCHIVE_2FA_FOR_PUBLISHERS = True
    assert client.get(reverse("admin:index")).status_code == 200  # not a Publisher
    client.force_login(publisher)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:two-factor")
    settings.ARCHIVE_2FA_FOR_PUBLISHERS = False
    assert client.get(reverse("admin:index")).status_code == 200


def test_lockouts_and_rate_limits_read_one_client_address(rf, settings):
    """django-axes and the API throttle both ask archive/client_address.py."""
    from axes.helpers import get_client_ip_address

    from archive.api.throttling import ApiRateThrottle

    settings.TRUSTED_PROXIES = 1
    request = rf.get(
        "/", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9", REMOTE_ADDR="10.0.0.1"
    )
    assert get_client_ip_address(request) == "203.0.113.9"
    assert ApiRateThrottle().get_ident(request) == "203.0.113.9"
