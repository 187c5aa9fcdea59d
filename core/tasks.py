"""The one seam for background work.

``run_after_commit("module.function", **ids)`` runs the function after the current
transaction commits: in-process on the embedded default, or as a Celery task when
``CELERY_BROKER_URL`` is set. Tasks take ids (never model instances), re-fetch, and must
be idempotent because a worker may run them twice after a restart.
"""

import importlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


def resolve(path: str) -> Callable[..., Any]:
    module_name, _, func_name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), func_name)


def run_now(path: str, **kwargs: Any) -> Any:
    return resolve(path)(**kwargs)


def run_after_commit(path: str, **kwargs: Any) -> None:
    if settings.CELERY_BROKER_URL:
        from config.celery import app

        transaction.on_commit(lambda: app.send_task("core.run_task", args=[path], kwargs=kwargs))
    else:
        transaction.on_commit(lambda: _run_logged(path, kwargs))


def _run_logged(path: str, kwargs: dict[str, Any]) -> None:
    try:
        run_now(path, **kwargs)
    except Exception:  # in-process: a failed side job must not break the committed request
        log.exception("background task %s failed (%s)", path, kwargs)
