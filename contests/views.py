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


def contest_results(request, slug: str):
    """The published winners (404 before publication); Track D shows a gallery of drawings
    whose guardians consented, through short-lived signed URLs."""
    from django.http import Http404

    from api.views.results import public_winner
    from core.errors import NotFound
    from judging.services.publication import results_public

    contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
    try:
        live = results_public(contest)
    except NotFound as exc:
        raise Http404 from exc
    winners = [public_winner(w) for w in live.winners]
    return render(
        request,
        "contests/results.html",
        {
            "contest": contest,
            "published_at": live.published_at,
            "winners": winners,
            "gallery": [w for w in winners if w.get("thumbnail_url")],
        },
    )
