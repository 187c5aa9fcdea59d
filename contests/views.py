from django.shortcuts import get_object_or_404, render

from contests.selectors import (
    contest_detail_queryset,
    contest_schedule,
    contests_visible_to,
    prize_total,
)


def home(request):
    contests = contests_visible_to(request.user).order_by("opens_at", "slug")
    return render(request, "contests/home.html", {"contests": contests})


def contest_detail(request, slug: str):
    contest = get_object_or_404(contest_detail_queryset(request.user), slug=slug)
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "schedule": contest_schedule(contest),
            "prize_total": prize_total(contest),
        },
    )
