"""A background job's status page: the browser polls GET /api/v1/jobs/{id}/ (static JS)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import NotFound
from core.selectors import job_get_visible


@login_required
def job_status(request, job_id: int):
    try:
        job = job_get_visible(request.user, job_id)
    except NotFound as exc:
        raise Http404() from exc
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""  # only a page of this site: where to go when the job is done
    return render(request, "core/job.html", {"job": job, "back": back})
