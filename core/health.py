"""``GET /healthz``: is this app server able to serve? For load balancers and orchestrators.

No authentication, no session, no personal data: ``{"status": "ok"|"fail", "checks":
{"database": "ok"|"fail", "storage": "ok"|"fail"}}`` with 200 when every check passes, 503
otherwise. Each check is one cheap round trip (``SELECT 1``; a HEAD on the bucket).
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.storage.objectstore import storage_ping

log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        log.warning("database health check failed: %s", exc)
        return False


def _storage_ok() -> bool:
    try:
        return storage_ping()
    except Exception as exc:  # a health check reports failures, it never raises
        log.warning("storage health check failed: %s", exc)
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "storage": _storage_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "fail",
            "checks": {name: "ok" if ok else "fail" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )
