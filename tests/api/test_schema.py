import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_contract(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/contests/",
        "/api/v1/contests/{slug}/",
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
    ]:
        assert path in paths


def test_docs_serve_assets_locally(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
