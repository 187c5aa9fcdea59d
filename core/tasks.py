"""The one seam for background work.

``run_after_commit("module.function", **ids)`` runs the function after the current
transaction commits: in-process on the embedded default, or as a Celery task when
``CELERY_BROKER_URL`` is set. Tasks take ids (never model instances), re-fetch, and must
be idempotent because a worker may run them twice after a restart.

Each piece of work is recorded as a ``core.Job`` (queued → running → done | failed, with a
progress percentage and the error), created after commit — work of a transaction that rolls
back is never recorded nor run. ``GET /api/v1/jobs/{id}/`` and ``/jobs/{id}/`` show it.
A job already done is skipped when its message is delivered again; a job left "running" by a
worker that died is run again (``acks_late`` + ``reject_on_worker_lost`` put it back).
"""

import contextvars
import importlib
import logging
from collections.abc import Callable
from typing import Any

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import Job

log = logging.getLogger(__name__)

_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("job", default=None)


def resolve(path: str) -> Callable[..., Any]:
    module_name, _, func_name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), func_name)


def run_now(path: str, **kwargs: Any) -> Any:
    return resolve(path)(**kwargs)


def run_after_commit(path: str, **kwargs: Any) -> None:
    """Queue ``path(**kwargs)`` to run after the current transaction commits."""
    job_after_commit(path, kwargs)


def job_after_commit(path: str, kwargs: dict[str, Any], *, started_by=None) -> None:
    """As run_after_commit, recording who started the job (they may follow its status)."""
    resolve(path)  # a typo fails in the request that queues it, not later in a worker
    user_id = getattr(started_by, "pk", None)
    transaction.on_commit(lambda: _enqueue(path, kwargs, user_id))


def job_start(path: str, kwargs: dict[str, Any], *, started_by=None, contest=None):
    """Record a job now, inside the current transaction, and run it after commit; returns
    the ``core.Job`` so a request can send its user to the job's status page. A rollback
    removes the row with the rest of the transaction, and nothing runs. ``contest``: whose
    organizers may follow it (``contests.selectors.jobs_visible_to``)."""
    resolve(path)
    job = Job.objects.create(
        name=path,
        args=kwargs,
        started_by_id=getattr(started_by, "pk", None),
        contest_id=getattr(contest, "pk", None),
    )
    transaction.on_commit(lambda: _dispatch(job))
    return job


def _enqueue(path: str, kwargs: dict[str, Any], user_id: int | None) -> None:
    _dispatch(Job.objects.create(name=path, args=kwargs, started_by_id=user_id))


def _dispatch(job) -> None:
    path, kwargs = job.name, job.args
    if settings.CELERY_BROKER_URL:
        current_app.send_task("core.run_job", args=[job.pk])  # config.celery's app
    else:
        try:
            job_run(job_id=job.pk)
        except Exception:  # in-process: a failed side job must not break the committed request
            log.exception("background task %s failed (%s)", path, kwargs)


def job_run(*, job_id: int) -> None:
    """Run a recorded job: the Celery task body, or in-process. Safe to call again."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == Job.Status.DONE:
            return  # unknown, or a redelivered message of finished work
        job.status, job.started_at, job.error = Job.Status.RUNNING, timezone.now(), ""
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "error", "attempts"])
    token = _current_job.set(job.pk)
    try:
        run_now(job.name, **job.args)
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )  # fmt: skip
        raise
    finally:
        _current_job.reset(token)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, progress=100, finished_at=timezone.now()
    )


def job_progress(percent: int) -> None:
    """Called by a long task to report progress (0–100); a no-op outside a recorded job."""
    job_id = _current_job.get()
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(percent))))


# ---- Celery (only with CELERY_BROKER_URL; config.celery discovers these) -----------------


@shared_task(name="core.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> None:
    job_run(job_id=job_id)


@shared_task(name="core.run_task", acks_late=True)
def run_task(path: str, **kwargs: Any) -> Any:
    """Messages queued before jobs were recorded; new work goes through core.run_job."""
    return run_now(path, **kwargs)
