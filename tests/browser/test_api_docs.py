"""The API docs page works in Chromium with every request to another host blocked:
no CDN, no validator badge, nothing leaves the archive's origin."""

from __future__ import annotations

import threading
from urllib.parse import urlparse
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler

pytestmark = pytest.mark.browser


@pytest.fixture
def docs_server(settings):
    """The project's WSGI app (with static files) on a loopback port, in a thread.

    Not pytest-django's live_server: that one flushes the database afterwards, and
    the docs page and schema need no database at all."""
    settings.ALLOWED_HOSTS = ["*"]

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server(
        "127.0.0.1", 0, StaticFilesHandler(WSGIHandler()), handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_docs_page_renders_operations_offline(docs_server, page):
    """The docs page shows the API's operations from local files only."""
    origin = urlparse(docs_server).netloc
    outside: list[str] = []
    errors: list[str] = []

    def guard(route):
        if urlparse(route.request.url).netloc not in (origin, ""):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", guard)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{docs_server}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    operations = page.locator(".opblock").count()
    title = page.locator(".title").first.inner_text()
    assert outside == []
    assert errors == []
    assert operations >= 20
    assert "Memorial archive API" in title
