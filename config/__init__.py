"""Settings, URLs, WSGI and the Celery app of gongmo: the composition root (it may import every
app). The Celery app is loaded with Django so ``core.tasks`` always dispatches through it."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
