"""Rate limits hold: 429 with Retry-After, per real client address, and shared by
every worker through Redis."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.ops.conftest import instance_env

pytestmark = pytest.mark.django_db

URL = "/api/v1/"


def test_over_the_anonymous_limit_answers_429_with_retry_after(client, settings):
    settings.API_THROTTLE_ANON = "3/day"
    statuses = [client.get(URL).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.get(URL)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) >= 1


def test_a_forged_forwarded_for_does_not_reset_the_limit(client, settings):
    settings.API_THROTTLE_ANON = "2/day"
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.1.1.1"}
    for n in range(2):
        forged = f"192.0.2.{n}, 203.0.113.20"
        assert client.get(URL, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 200
    forged = "198.51.100.99, 203.0.113.20"
    assert client.get(URL, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429
    other = client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.21", **proxy)
    assert other.status_code == 200


WORKER = """
import json, django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="198.51.100.7")
print(json.dumps([client.get("/api/v1/").status_code for _ in range({n})]))
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_with_redis_two_worker_processes_share_one_limit(tmp_path):
    prefix = f"test-{uuid.uuid4().hex}-"
    env = instance_env(
        _database_url(),
        tmp_path / "media",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=prefix,
        API_THROTTLE_ANON="4/day",
    )

    def worker(n: int) -> list[int]:
        result = subprocess.run(
            [sys.executable, "-c", WORKER.format(n=n)],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    first, second = worker(3), worker(3)
    assert first == [200, 200, 200]
    assert second == [200, 429, 429]
