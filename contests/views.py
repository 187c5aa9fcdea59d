from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme

from contests.selectors import (
    contest_detail_queryset,
    contest_schedule,
    contests_visible_to,
    job_get_visible,
    prize_total,
)


def home(request):
    contests = list(contests_visible_to(request.user).order_by("opens_at", "slug"))
    return render(
        request, "contests/home.html", {"contests": contests, "season": season_dates(contests)}
    )


def season_dates(contests) -> tuple | None:
    """The footer's dates, from the contests' own calendar (never a date written in a
    template): the first opening and the last announcement (or deadline)."""
    if not contests:
        return None
    first = min(c.opens_at for c in contests)
    last = max(c.results_at or c.closes_at for c in contests)
    return first, last


def contest_detail(request, slug: str):
    contest = get_object_or_404(contest_detail_queryset(request.user), slug=slug)
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "schedule": contest_schedule(contest),
            "prize_total": prize_total(contest),
            "season": season_dates([contest]),
        },
    )


@login_required
def job_status(request, job_id: int):
    """A background job's status page (its starter and its contest's organizers); the browser
    polls GET /api/v1/jobs/{id}/ (static JS)."""
    job = job_get_visible(request.user, job_id)
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""  # only a page of this site: where to go when the job is done
    return render(request, "core/job.html", {"job": job, "back": back})
