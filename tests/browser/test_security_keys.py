"""A security key end to end in Chromium, with its virtual authenticator (CTAP2,
internal transport, resident keys, user verification): a staff member adds a key on
their two-factor page, logs in with password then key, and removes it. The login
screens are screenshotted in English and French at 1280 and 390 px and checked
with axe-core."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from archive.models import SecurityKey
from tests import factories as f
from tests.browser.axe import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "key-password-1943"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def relying_party(settings, live_server):
    assert live_server.url.startswith("http://localhost:")  # an IP is no RP id
    settings.WEBAUTHN_RP_ID = "localhost"
    settings.WEBAUTHN_ORIGINS = [live_server.url]


def _staff(username: str):
    user = f.make_user("Editor", username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _virtual_authenticator(context, page) -> None:
    session = context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def _password(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")


def test_a_security_key_is_added_used_at_login_and_removed(
    browser, live_server, relying_party
):
    user = _staff("key-holder")
    context = browser.new_context()  # the real Content Security Policy
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _virtual_authenticator(context, page)

    _password(page, live_server, user.username)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}{reverse('admin:two-factor')}")
    page.fill("#id_security_key_name", "Virtual key")
    page.click("#security-key-add [type=submit]")
    page.wait_for_selector("td:has-text('Virtual key')")
    assert SecurityKey.objects.get(user=user).name == "Virtual key"

    context.clear_cookies()
    _password(page, live_server, user.username)
    page.wait_for_url(f"{live_server.url}{reverse('admin:two-factor-key')}")
    page.click("#security-key-login [type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#content").count() == 1
    assert SecurityKey.objects.get(user=user).last_used_at is not None

    page.goto(f"{live_server.url}{reverse('admin:two-factor')}")
    page.click("td form button")
    page.wait_for_selector("#security-key-add")
    assert not SecurityKey.objects.exists()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_login_screens_pass_axe_in_english_and_french(
    browser, live_server, relying_party, axe_js, language
):
    user = _staff(f"key-{language}")
    SecurityKey.objects.create(
        user=user, name="Key", credential_id=f"cred-{language}", public_key=b"x"
    )
    found = {}
    for width in (1280, 390):
        context = browser.new_context(
            bypass_csp=True,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": language},
        )
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('admin:login')}")
        found[f"login-{width}"] = _check(page, axe_js, language, f"login-{width}")
        _password(page, live_server, user.username)
        page.wait_for_url(f"{live_server.url}{reverse('admin:two-factor-key')}")
        found[f"key-{width}"] = _check(page, axe_js, language, f"key-{width}")
        context.close()
    user.securitykey_set.all().delete()
    context = browser.new_context(
        bypass_csp=True, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    _password(page, live_server, user.username)
    page.wait_for_url(f"{live_server.url}/admin/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{reverse('admin:two-factor')}")
        found[f"setup-{width}"] = _check(page, axe_js, language, f"setup-{width}")
    context.close()
    assert not any(found.values()), found


def _check(page, axe_js: str, language: str, name: str) -> list[str]:
    assert page.evaluate("document.documentElement.lang") == language
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=f"{SCREENSHOTS}/security-key-{name}-{language}.png", full_page=True
        )
    return serious_violations(page, axe_js)
