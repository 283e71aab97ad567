"""Security keys and passkeys (WebAuthn) as a second factor for staff: added on the
staff member's own page, needed at every later login, removable; a challenge answers
once and expires; a wrong origin or a counter that does not grow is refused with a
400, never a 500; either factor satisfies the Publishers' requirement."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from archive.models import SecurityKey
from archive.security_keys import CHALLENGE
from tests import factories as f
from tests.ops.soft_authenticator import SoftKey

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 1943"
RP_ID = "archive.example.org"
ORIGIN = "https://archive.example.org"


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.WEBAUTHN_RP_ID = RP_ID
    settings.WEBAUTHN_ORIGINS = [ORIGIN]
    settings.WEBAUTHN_CHALLENGE_SECONDS = 120


@pytest.fixture
def staff():
    user = f.make_user("Editor", username="editor-key")
    user.set_password(PASSWORD)
    user.save()
    return user


def post_json(client, name: str, body=None, **kwargs):
    return client.post(
        reverse(f"admin:{name}", kwargs=kwargs or None),
        data=body if isinstance(body, str) else json.dumps(body or {}),
        content_type="application/json",
    )


def add_key(client, key: SoftKey, origin: str | None = None):
    options = post_json(client, "security-key-add-begin").json()
    answer = key.register(options, origin=origin)
    return post_json(
        client, "security-key-add-finish", {"name": "Blue key", "credential": answer}
    )


def enrolled(client, user) -> SoftKey:
    client.force_login(user)
    key = SoftKey(RP_ID, ORIGIN)
    assert add_key(client, key).status_code == 200
    client.logout()
    return key


def password_step(client, user):
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:two-factor-key")
    assert "_auth_user_id" not in client.session  # not logged in before the key
    return response


def key_step(client, key: SoftKey, **answer_options):
    options = post_json(client, "two-factor-key-begin").json()
    return post_json(
        client,
        "two-factor-key-finish",
        {"credential": key.assert_(options, **answer_options)},
    )


def test_staff_who_add_a_security_key_need_it_to_log_in(client, staff):
    key = enrolled(client, staff)
    stored = SecurityKey.objects.get(user=staff)
    assert stored.name == "Blue key" and stored.confirmed
    password_step(client, staff)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:two-factor-key")).status_code == 200
    response = key_step(client, key)
    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": "/admin/"}
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:two-factor") in index.content.decode()  # in the header
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_login_challenge_answers_only_once(client, staff):
    key = enrolled(client, staff)
    password_step(client, staff)
    options = post_json(client, "two-factor-key-begin").json()
    good = key.assert_(options)
    bad = dict(good, response=dict(good["response"], signature=good["id"]))
    refused = post_json(client, "two-factor-key-finish", {"credential": bad})
    assert refused.status_code == 400
    replayed = post_json(client, "two-factor-key-finish", {"credential": good})
    assert replayed.status_code == 400
    assert "already used" in replayed.json()["error"]
    assert "_auth_user_id" not in client.session


def test_an_answer_to_an_old_challenge_is_refused(client, staff):
    key = enrolled(client, staff)
    password_step(client, staff)
    first = post_json(client, "two-factor-key-begin").json()
    post_json(client, "two-factor-key-begin")  # a second challenge replaces it
    response = post_json(
        client, "two-factor-key-finish", {"credential": key.assert_(first)}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_expired_challenge_is_refused(client, staff):
    key = enrolled(client, staff)
    password_step(client, staff)
    options = post_json(client, "two-factor-key-begin").json()
    session = client.session
    stored = session[CHALLENGE]
    stored["at"] -= 121
    session[CHALLENGE] = stored
    session.save()
    response = post_json(
        client, "two-factor-key-finish", {"credential": key.assert_(options)}
    )
    assert response.status_code == 400
    assert "expired" in response.json()["error"]
    assert "_auth_user_id" not in client.session


def test_an_answer_from_another_origin_is_refused(client, staff):
    key = enrolled(client, staff)
    password_step(client, staff)
    response = key_step(client, key, origin="https://archive.example.org.evil.test")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_key_registered_from_another_origin_is_not_saved(client, staff):
    client.force_login(staff)
    response = add_key(client, SoftKey(RP_ID, ORIGIN), origin="https://evil.test")
    assert response.status_code == 400
    assert not SecurityKey.objects.exists()


def test_a_signature_counter_that_does_not_grow_is_refused(client, staff):
    key = enrolled(client, staff)
    password_step(client, staff)
    assert key_step(client, key).status_code == 200
    client.logout()
    password_step(client, staff)
    cloned = key_step(client, key, count_up=False)
    assert cloned.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("body", ["not json", {"credential": "x"}, {"other": 1}])
def test_a_malformed_answer_is_a_400(client, staff, body):
    key = enrolled(client, staff)
    password_step(client, staff)
    post_json(client, "two-factor-key-begin")
    assert post_json(client, "two-factor-key-finish", body).status_code == 400
    options = post_json(client, "two-factor-key-begin").json()
    answer = key.assert_(options)
    answer["response"]["authenticatorData"] = "AAAA"
    response = post_json(client, "two-factor-key-finish", {"credential": answer})
    assert response.status_code == 400


def test_the_key_step_needs_the_password_first(client, staff):
    enrolled(client, staff)
    assert client.get(reverse("admin:two-factor-key")).status_code == 302
    assert post_json(client, "two-factor-key-begin").status_code == 400


def test_a_security_key_satisfies_the_publishers_requirement(client, settings):
    settings.ARCHIVE_2FA_FOR_PUBLISHERS = True
    publisher = f.make_user("Publisher")
    publisher.set_password(PASSWORD)
    publisher.save()
    client.force_login(publisher)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:two-factor")
    key = SoftKey(RP_ID, ORIGIN)
    assert add_key(client, key).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    password_step(client, publisher)
    assert key_step(client, key).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_remove_their_own_key_only(client, staff):
    enrolled(client, staff)
    other = f.make_user("Editor", username="someone-else")
    other_key = SoftKey(RP_ID, ORIGIN)
    client.force_login(other)
    add_key(client, other_key)
    own = SecurityKey.objects.get(user=staff)
    theirs = SecurityKey.objects.get(user=other)
    assert post_json(client, "security-key-remove", pk=own.pk).status_code == 404
    response = client.post(reverse("admin:security-key-remove", args=[theirs.pk]))
    assert response.status_code == 302
    assert list(SecurityKey.objects.all()) == [own]


def test_a_password_alone_cannot_add_a_key_to_an_account_that_has_one(client, staff):
    enrolled(client, staff)
    client.force_login(staff)  # a session without the second factor
    assert post_json(client, "security-key-add-begin").status_code == 403
    assert client.get(reverse("admin:two-factor")).status_code == 302
