"""Security headers the framework does not set itself (DOMAIN §10 "Accounts")."""

from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware


def storage_origins() -> list[str]:
    """Origins of the object store that browsers talk to directly (presigned POST, signed GET)."""
    if getattr(settings, "STORAGE_BACKEND", "filesystem") != "s3":
        return []
    options = settings.STORAGES["default"].get("OPTIONS", {})
    endpoint = options.get("endpoint_url")
    if endpoint:
        parts = urlsplit(endpoint)
        return [f"{parts.scheme}://{parts.netloc}"]
    bucket, region = options.get("bucket_name"), options.get("region_name") or "us-east-1"
    return [f"https://{bucket}.s3.{region}.amazonaws.com", f"https://s3.{region}.amazonaws.com"]


def content_security_policy() -> str:
    """A CSP without 'unsafe-inline' scripts: every script is a static file of ours."""
    store = " ".join(storage_origins())
    with_store = f" {store}" if store else ""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # style="" attributes of the results charts
        f"img-src 'self' data:{with_store}",
        f"media-src 'self'{with_store}",
        f"connect-src 'self'{with_store}",
        f"form-action 'self'{with_store}",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy to every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # built per response (microseconds): the storage settings may differ between tests
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's, without APPEND_SLASH under ``/api/``: a path without its slash answers the
    API's JSON 404 there (Django would redirect a GET with an HTML body, and refuse a POST with
    a 500 in DEBUG)."""

    def should_redirect_with_slash(self, request):
        if request.path_info.startswith("/api/"):
            return False
        return super().should_redirect_with_slash(request)
