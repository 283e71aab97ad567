"""Staff accounts are hard to take over: failed logins lock the account and the
client's real address; a forged X-Forwarded-For changes nothing; a deactivated
user's session ends at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
