"""Object storage that fails: a 5xx or no answer is a 503 within the configured
timeout, never a hang and never a 500 (archive/faults.py)."""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from archive.media import ingest_source_file
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TIMEOUT = 1.0


class FaultyS3(ThreadingHTTPServer):
    """Forwards to the moto S3 server, or answers 500, or never answers."""

    daemon_threads = True
    mode = "pass"
    upstream: tuple[str, int]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _any(self) -> None:
        server: FaultyS3 = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if server.mode == "hang":
            time.sleep(TIMEOUT * 4)
            return
        if server.mode == "error":
            payload = b"<Error><Code>InternalError</Code></Error>"
            self.send_response(500)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        upstream = http.client.HTTPConnection(*server.upstream, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        headers["Host"] = f"{server.upstream[0]}:{server.upstream[1]}"
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection"):
                self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any


@pytest.fixture
def faulty_s3(s3, settings, moto_endpoint, monkeypatch):
    """The storages of the `s3` fixture, reached through a proxy that can fail,
    with the production timeout settings at one second and no retry."""
    from memorial.settings import s3_storages

    server = FaultyS3(("127.0.0.1", 0), _Handler)
    upstream = urlsplit(moto_endpoint)
    server.upstream = (upstream.hostname, upstream.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("STORAGE_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("STORAGE_MAX_ATTEMPTS", "1")
    settings.STORAGES = {
        **s3_storages(
            bucket=s3.bucket,
            endpoint_url=f"http://127.0.0.1:{server.server_port}",
            region="us-east-1",
            access_key="testing",
            secret_key="testing",
            prefix=s3.prefix,
        ),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", ["error", "hang"])
def test_storage_failing_or_silent_answers_503_within_the_timeout(
    faulty_s3, client, mode
):
    source = f.published(f.make_source())
    ingest_source_file(source=source, upload=ContentFile(PDF), filename="a.pdf")
    url = reverse("archive:source-file", args=[source.slug])
    assert client.get(url).status_code == 200

    faulty_s3.mode = mode
    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Temporarily unavailable" in response.content.decode()
    assert elapsed < TIMEOUT * 3

    faulty_s3.mode = "pass"
    assert client.get(url).status_code == 200


def test_health_answers_503_when_storage_fails(faulty_s3, client):
    faulty_s3.mode = "error"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
