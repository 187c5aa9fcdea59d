"""GET /healthz: the database and the object store, JSON, no authentication, 200 or 503."""

import pytest
from django.db import DatabaseError

from tests.s3server import closed_port, s3_storages

pytestmark = pytest.mark.django_db


def test_healthy_with_files_on_disk(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthy_with_s3(client, s3_storage):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "storage": "ok"}


def test_storage_down_is_503(client, settings):
    settings.STORAGES = s3_storages(endpoint=f"http://127.0.0.1:{closed_port()}", bucket="gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "ok", "storage": "fail"}}


def test_database_down_is_503(client, s3_storage, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "fail", "storage": "ok"}


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
