"""Celery app, used only when CELERY_BROKER_URL is set (see core/tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gongmo")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="core.run_task", acks_late=True)
def run_task(path: str, **kwargs):
    from core.tasks import run_now

    return run_now(path, **kwargs)
