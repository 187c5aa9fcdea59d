"""Results pages: the organizer's (rank, advance, final ranking, allocate, approve, publish)
and the public's (the published winners)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests.enums import Method
from contests.permissions import is_contest_organizer
from contests.selectors import contests_visible_to
from core.errors import DomainError, NotFound
from judging.views import job_redirect, round_is_large
from results.models import Allocation
from results.selectors import public_winner, publication_live, results_public
from results.services import publication, rankings


def _contest(request, slug):
    contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
    if not is_contest_organizer(request.user, contest):
        raise Http404
    return contest


def _judge_chart(judges: list[dict]) -> list[dict]:
    """Bars for the judge statistics: mean ± deviation on the 0–100 scale."""
    return [
        {
            **j,
            "left": max(0.0, (j.get("mean") or 0) - (j.get("std") or 0)),
            "width": 2 * (j.get("std") or 0),
        }
        for j in judges
    ]


def _named(rows: list[dict], names: dict[str, str]) -> list[dict]:
    """Rows of a snapshot or allocation with the division's name beside its stored code."""
    return [{**r, "division_name": names.get(r.get("division"), r.get("division"))} for r in rows]


@login_required
def results_manage(request, slug):
    contest = _contest(request, slug)
    names = {d.code: d.name for d in contest.divisions.all()}
    rounds = []
    for rnd in contest.rounds.order_by("order"):
        snap = rankings.latest_ranking(contest, rnd)
        rounds.append(
            {
                "round": rnd,
                "snapshot": snap,
                "rows": _named(snap.rows[:100], names) if snap else [],
                "chart": _judge_chart(snap.judges) if snap else [],
            }
        )
    allocation = Allocation.objects.filter(contest=contest).first()
    return render(
        request,
        "results/manage.html",
        {
            "contest": contest,
            "rounds": rounds,
            "methods": Method.choices,
            "background_threshold": settings.BACKGROUND_THRESHOLD,
            "final": rankings.latest_ranking(contest, None),
            "allocation": allocation,
            "awards": _named(allocation.awards, names) if allocation else [],
            "live": publication_live(contest),
        },
    )


@login_required
@require_POST
def results_action(request, slug, action):
    contest = _contest(request, slug)
    user = request.user
    try:
        if action == "rank":
            rnd = get_object_or_404(contest.rounds, pk=request.POST.get("round"))
            method = request.POST.get("method") or None
            # an unknown method is refused at once, in the request, as below the threshold
            if (method is None or method in Method.values) and round_is_large(rnd):
                return job_redirect(
                    request,
                    "results.tasks.round_rank",
                    {
                        "round_id": rnd.pk,
                        "user_id": user.pk,
                        "method": method,
                    },
                    reverse("organizer-results", args=[contest.slug]),
                )
            snap = rankings.ranking_compute(user=user, round=rnd, method=method)
            messages.success(
                request,
                _("Ranked %(n)d entries (inputs %(sha)s…).")
                % {"n": len(snap.rows), "sha": snap.inputs_sha256[:12]},
            )
        elif action == "advance":
            rnd = get_object_or_404(contest.rounds, pk=request.POST.get("round"))
            codes = rankings.round_advance(user=user, round=rnd)
            messages.success(request, _("%(n)d entries advance.") % {"n": len(codes)})
        elif action == "final":
            rankings.final_ranking_compute(user=user, contest=contest)
            messages.success(request, _("Final ranking computed."))
        elif action == "allocate":
            publication.allocation_compute(user=user, contest=contest)
            messages.success(request, _("Prizes allocated. Check and approve."))
        elif action == "approve":
            publication.allocation_approve(user=user, contest=contest)
            messages.success(request, _("Allocation approved."))
        elif action == "publish":
            publication.results_publish(user=user, contest=contest)
            messages.success(request, _("Results published."))
        elif action == "unpublish":
            publication.results_unpublish(
                user=user, contest=contest, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Results withdrawn; the reason is recorded."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("organizer-results", slug=contest.slug)


def public_results(request, slug: str):
    """The published winners (404 before publication); Track D shows a gallery of drawings
    whose guardians consented, through short-lived signed URLs."""
    contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
    try:
        live = results_public(contest)
    except NotFound as exc:
        raise Http404 from exc
    winners = [public_winner(w) for w in live.winners]
    return render(
        request,
        "results/public.html",
        {
            "contest": contest,
            "published_at": live.published_at,
            "winners": winners,
            "gallery": [w for w in winners if w.get("thumbnail_url")],
        },
    )
