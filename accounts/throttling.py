"""Login throttling (DOMAIN §10 "Accounts"): 429 after repeated failures per user name and IP.

Counters live in Django's cache under a hash of the user name and the client address, so neither
the name nor the password is ever written anywhere. A fixed window starts at the first failure.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.errors import Throttled

logger = logging.getLogger("gongmo.security")


def _limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def _window() -> int:
    return getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)


def client_ip(request) -> str:
    """The peer address. X-Forwarded-For is not trusted: a client could rotate it freely."""
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().casefold()}|{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def _retry_after(key: str) -> int:
    """Seconds until the window that started at the first failure ends (``Retry-After``)."""
    started = cache.get(f"{key}:start")
    if started is None:
        return _window()
    return max(1, math.ceil(_window() - (time.time() - started)))


def login_throttle_check(*, username: str, ip: str) -> None:
    """Raise ``Throttled`` (429) once this name's failures from this address reach the limit;
    it says how long until the window ends (``Retry-After`` on the page, the admin and the API).
    """
    key = _key(username, ip)
    if (cache.get(key) or 0) >= _limit():
        raise Throttled(
            _("Too many failed log-in attempts. Please wait 15 minutes and try again."),
            retry_after=_retry_after(key),
        )


def login_failure_record(*, username: str, ip: str) -> int:
    key = _key(username, ip)
    if cache.add(key, 0, timeout=_window()):  # the first failure starts the window
        cache.set(f"{key}:start", time.time(), timeout=_window())
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window())
        failures = 1
    if failures == _limit():
        # never the password; the name only as a short hash, enough to correlate log lines
        logger.warning("login throttled: key=%s ip=%s", key[-12:], ip)
    return failures


def login_failures_clear(*, username: str, ip: str) -> None:
    key = _key(username, ip)
    cache.delete_many([key, f"{key}:start"])
