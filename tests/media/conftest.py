"""Fixtures for media tests: the media folder's contents, and an S3 server (moto)."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture
def stored_files(_isolated_media):
    """A function listing every file in the test's media folder (public and private)."""

    def listing() -> list[str]:
        root = Path(_isolated_media)
        if not root.exists():
            return []
        return sorted(
            str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()
        )

    return listing


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A real S3 protocol server (moto in server mode) on a free local port."""
    executable = Path(sys.executable).with_name("moto_server")
    command = str(executable) if executable.exists() else shutil.which("moto_server")
    if command is None:
        pytest.fail("moto_server is not installed (pip install 'moto[server]').")
    port = _free_port()
    process = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("moto_server did not start.")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class S3:
    client: object
    bucket: str
    prefix: str

    def object_keys(self) -> list[str]:
        response = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix)
        return sorted(item["Key"] for item in response.get("Contents", []))


@pytest.fixture
def s3(settings, moto_endpoint):
    """Point the public and private storages at a fresh prefix of a moto bucket,
    configured exactly as production is (memorial.settings.s3_storages)."""
    import boto3

    from memorial.settings import s3_storages

    bucket = "memorial-test"
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=bucket)
    prefix = f"test-{uuid.uuid4().hex[:10]}/"
    # As the README tells operators: anyone may read public/, nobody else anything.
    client.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "PublicRenditions",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*/public/*",
                    }
                ],
            }
        ),
    )
    settings.STORAGES = {
        **s3_storages(
            bucket=bucket,
            endpoint_url=moto_endpoint,
            region="us-east-1",
            access_key="testing",
            secret_key="testing",
            prefix=prefix,
        ),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    return S3(client=client, bucket=bucket, prefix=prefix)
