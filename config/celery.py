"""The Celery app, used only when CELERY_BROKER_URL is set (see core/tasks.py).

``config/__init__.py`` imports it whenever Django starts, so ``core.tasks`` dispatches through
this app (``celery.current_app``) without importing config. The tasks themselves live in
``core.tasks`` and are found with ``autodiscover_tasks`` once Django's apps are ready.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gongmo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["core"])
