"""A fixed-window rate limit per client address, in Django's cache (shared across workers
when ``CACHE_BACKEND`` is). For public pages that look something up without a login — the
certificate verification — so that serials cannot be tried in bulk; the API answers the same
way (``Throttled``: 429 with ``Retry-After``)."""

import hashlib
import time

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.errors import Throttled

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """``"30/minute"`` → (30, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def rate_limit_hit(*, scope: str, ident: str, rate: str) -> None:
    """Count one request of ``ident`` (e.g. the client's address) in ``scope``; raise
    ``Throttled`` once the window's allowance is used up. The address is hashed: the cache
    holds no addresses."""
    limit, seconds = rate_parse(rate)
    window = int(time.time() // seconds)
    digest = hashlib.sha256(f"{scope}|{ident}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        count = 1
    if count > limit:
        retry = max(1, int(seconds - time.time() % seconds))
        raise Throttled(
            _("Too many look-ups. Please wait a moment and try again."), retry_after=retry
        )
