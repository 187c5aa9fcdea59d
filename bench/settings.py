"""Settings of the HTTP benchmarks: production settings plus a bench-only URLconf.

The bare baseline endpoint (``bench/urls.py``) must never be reachable in production, so it
lives in its own URLconf that only ``DJANGO_SETTINGS_MODULE=bench.settings`` loads.
"""

from config.settings import *  # noqa: F403 (the production settings, unchanged)

ROOT_URLCONF = "bench.urls"
