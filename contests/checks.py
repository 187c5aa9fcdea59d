"""``manage.py check --deploy``: links in e-mails (results letters, reminders, invitations)
are built on ``SITE_URL``; in production it must be the public address, never this machine."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", ""}  # noqa: S104 (names, not binds)


@register(Tags.security, deploy=True)
def site_url_public(app_configs, **kwargs):
    host = urlsplit(getattr(settings, "SITE_URL", "")).hostname or ""
    if settings.DEBUG or host not in LOCAL_HOSTS:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the links in e-mails would point at this machine.",
            hint="Set SITE_URL to the site's public address, e.g. https://contest.example.kr.",
            id="gongmo.W001",
        )
    ]
