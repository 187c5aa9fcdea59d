"""Upload-slot throttling per user (DOMAIN §10 "upload throttling")."""

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class UploadSlotThrottle(UserRateThrottle):
    """``POST entries/{id}/uploads/``: at most N upload slots per user and period.

    The rate is read from settings on each request (DRF's default reads it once at import), so
    deployments and tests can change it.
    """

    scope = "uploads"

    def get_rate(self):
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope, "60/hour")
