"""Logging in to the admin from a browser test: one place for the form's steps."""

from __future__ import annotations


def log_in(page, live_server, username: str, password: str) -> None:
    """Fill the admin's login form and wait for the page behind it."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")
