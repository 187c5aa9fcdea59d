"""Object storage for real, over HTTP: moto's S3 in server mode (CONVENTIONS "Tests").

Register for the whole suite with ``pytest_plugins = ["tests.s3server"]`` in
``tests/conftest.py``; then a test asks for ``s3_storage`` and Django's default storage *is* an
``S3Storage`` talking HTTP to a fresh, empty bucket for the length of that test:

    def test_upload(s3_storage):
        ...
        assert s3_storage.object_keys() == []   # nothing left behind

``s3_storage`` has ``.endpoint``, ``.bucket``, ``.client`` (a plain boto3 client for arranging
and inspecting, outside the app's code path) and ``.object_keys(prefix="")``. The switch goes
through
the ``settings`` fixture, so Django's ``setting_changed`` signal drops the cached storages on the
way in and out; the fixture checks that it really did.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

REGION = "us-east-1"
ACCESS_KEY = "gongmo-test"
SECRET_KEY = "gongmo-test-secret"


def client_config() -> Config:
    """The same timeouts and retries as ``config/settings.py`` uses in S3 mode."""
    return Config(
        connect_timeout=2,
        read_timeout=2,
        retries={"total_max_attempts": 2, "mode": "standard"},
        s3={"addressing_style": "path"},
        signature_version="s3v4",
    )


def s3_storages(*, endpoint: str, bucket: str) -> dict[str, Any]:
    """A ``STORAGES`` setting whose default is S3 at ``endpoint`` (staticfiles unchanged)."""
    return {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": django_settings.SIGNED_URL_SECONDS,
                "file_overwrite": False,
                "signature_version": "s3v4",
                "addressing_style": "path",
                "client_config": client_config(),
            },
        },
    }


def closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class S3Bucket:
    endpoint: str
    bucket: str
    client: Any

    def object_keys(self, prefix: str = "") -> list[str]:
        """Every key in the bucket (under ``prefix``), sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto S3 server for the session, on a free port chosen by the OS."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(moto_endpoint: str, settings) -> Iterator[S3Bucket]:
    """Django's default storage is S3 on a fresh bucket of the moto server for this test."""

    bucket = f"gongmo-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=client_config(),
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = s3_storages(endpoint=moto_endpoint, bucket=bucket)
    if not (isinstance(default_storage, S3Storage) and default_storage.bucket_name == bucket):
        raise RuntimeError("STORAGES changed but default_storage was not reset to the S3 bucket")
    handle = S3Bucket(endpoint=moto_endpoint, bucket=bucket, client=client)
    yield handle
    left = handle.object_keys()
    for key in left:
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)
