"""A background job's status page: the browser polls GET /api/v1/jobs/{id}/ (static JS)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core.errors import NotFound
from core.selectors import job_get_visible


@login_required
def job_status(request, job_id: int):
    try:
        job = job_get_visible(request.user, job_id)
    except NotFound as exc:
        raise Http404() from exc
    return render(request, "core/job.html", {"job": job})
