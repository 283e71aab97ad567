"""The example kiosk (clients/typescript/kiosk/) syncs an exhibition through the
API's changes/ feed and shows its stored copy when the network is gone."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from archive import models as m
from tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KIOSK = Path(settings.BASE_DIR) / "clients" / "typescript" / "kiosk"


@contextlib.contextmanager
def serve_kiosk() -> Iterator[str]:
    """The kiosk's folder over HTTP on a free local port (its own origin, as a
    kiosk would serve it; module scripts and service workers need HTTP)."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(KIOSK)
    )
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_kiosk_syncs_through_changes_and_works_offline(live_server, browser):
    person = f.published(f.make_person(family_name="Example"))
    exhibition = f.make_exhibition(
        items=[person], status=m.Status.PUBLISHED, title="First title"
    )
    context = browser.new_context()
    page = context.new_page()
    with serve_kiosk() as kiosk:
        url = f"{kiosk}/index.html?api={live_server.url}&exhibition={exhibition.uuid}"
        try:
            page.goto(url)
            page.wait_for_selector("h1:text('First title')")
            assert "Up to date" in page.inner_text("#status")
            # The service worker now keeps the page for when the network is gone.
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")

            exhibition.title_en = "Second title"
            exhibition.save()  # listed by changes/ since the kiosk's last sync
            page.reload()
            page.wait_for_selector("h1:text('Second title')")

            context.set_offline(True)
            page.reload()
            page.wait_for_selector("h1:text('Second title')")
            assert page.inner_text("#status").startswith("Offline: showing the copy")
        finally:
            context.close()
