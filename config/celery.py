"""Celery app, used only when CELERY_BROKER_URL is set (see core/tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gongmo")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="core.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int):
    from core.tasks import job_run

    job_run(job_id=job_id)


@app.task(name="core.run_task", acks_late=True)
def run_task(path: str, **kwargs):
    """Messages queued before jobs were recorded; new work goes through core.run_job."""
    from core.tasks import run_now

    return run_now(path, **kwargs)
