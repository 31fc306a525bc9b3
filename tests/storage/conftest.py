"""A real S3 protocol server on loopback for the storage tests: moto's ``ThreadedMotoServer``
(pure Python, HTTP on 127.0.0.1, one per test process), a fresh bucket per test, and the
``default`` storage pointed at it through the same ``STORAGE_URL`` parsing production uses."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import boto3
import pytest
from moto.server import ThreadedMotoServer

from zi_portal.common.storage_url import parse_storage_url
from zi_portal.settings.base import default_storage_setting

KEY, SECRET, REGION = "zi-test-key", "zi-test-secret", "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def storage_url(bucket: str, endpoint: str, **extra: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"endpoint_url": endpoint, "region": REGION,
                                               "addressing_style": "path", **extra}.items())
    return f"s3://{KEY}:{SECRET}@{bucket}?{query}"


def use_storage(settings, url: str) -> None:
    """Point the default storage at ``url`` (Django resets its storages on the setting change)."""
    config = parse_storage_url(url)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_setting(config)}
    settings.STORAGE_DOWNLOADS = config.downloads
    settings.STORAGE_PRESIGNED_SECONDS = config.expires


@pytest.fixture
def s3(s3_endpoint, settings, tmp_path) -> SimpleNamespace:
    """A new private bucket, the default storage on it, and a MEDIA_ROOT that must stay empty."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    bucket = f"zi-{uuid.uuid4().hex[:20]}"
    client.create_bucket(Bucket=bucket)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_MAX_UPLOAD_MB = 25
    use_storage(settings, storage_url(bucket, s3_endpoint))

    def keys(prefix: str = "") -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(entry["Key"] for entry in listed.get("Contents", []))

    def read(key: str) -> bytes:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def put(key: str, body: bytes) -> None:
        client.put_object(Bucket=bucket, Key=key, Body=body)

    return SimpleNamespace(client=client, bucket=bucket, endpoint=s3_endpoint, keys=keys, read=read, put=put,
                           media=settings.MEDIA_ROOT)
