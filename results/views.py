"""Results pages: the organizer's (rank, advance, final ranking, allocate, approve, publish)
and the public's (the published winners)."""

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contests.enums import METHOD_CHOICES
from contests.selectors import contest_managed_get, contest_round_get, contests_visible_to
from core.http import job_page, refusals_to
from core.models import Job
from results import public_cache
from results.models import Allocation, Publication
from results.selectors import (
    public_drawing_url,
    public_winners,
    publication_live,
    publication_public_get,
    results_public,
)
from results.services import publication, rankings


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
    contest = contest_managed_get(request.user, slug)
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
            "methods": METHOD_CHOICES,
            "background_threshold": settings.BACKGROUND_THRESHOLD,
            "final": rankings.latest_ranking(contest, None),
            "allocation": allocation,
            "awards": _named(allocation.awards, names) if allocation else [],
            "live": publication_live(contest),
        },
    )


def _results_page(request, slug, action) -> str:
    return reverse("organizer-results", args=[slug])


@login_required
@require_POST
@refusals_to(_results_page)
def results_action(request, slug, action):
    contest = contest_managed_get(request.user, slug)
    user = request.user
    if action == "rank":
        rnd = contest_round_get(contest, request.POST.get("round"))
        snap = rankings.ranking_start(
            user=user, round=rnd, method=request.POST.get("method") or None
        )
        if isinstance(snap, Job):
            return job_page(request, snap, _results_page(request, slug, action))
        messages.success(
            request,
            _("Ranked %(n)d entries (inputs %(sha)s…).")
            % {"n": len(snap.rows), "sha": snap.inputs_sha256[:12]},
        )
    elif action == "advance":
        rnd = contest_round_get(contest, request.POST.get("round"))
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
    return redirect("organizer-results", slug=contest.slug)


class _PublicRows:
    """The winners of a publication as the public sees them, read only when the page's cached
    fragment is missing (the template asks for them inside ``{% cache %}``)."""

    def __init__(self, publication: Publication):
        self.publication = publication

    @cached_property
    def winners(self) -> list[dict]:
        return public_winners(self.publication)

    @cached_property
    def gallery(self) -> list[dict]:
        return [w for w in self.winners if w.get("thumbnail_url")]


def public_results(request, slug: str):
    """The published winners (404 before publication); Track D shows a gallery of drawings
    whose guardians consented. The winners part is cached per publication and language, and a
    visitor's unchanged copy gets a 304 (results/public_cache.py)."""
    live = publication_public_get(slug=slug)
    if live is None:  # nothing public: a 404, or an organizer looking at a draft contest's
        contest = get_object_or_404(contests_visible_to(request.user), slug=slug)
        live = results_public(contest)
        live.contest = contest
    not_modified = public_cache.page_not_modified(request, live)
    if not_modified is not None:
        return not_modified
    response = render(
        request,
        public_cache.PAGE_TEMPLATE,
        {
            "contest": live.contest,
            "published_at": live.published_at,
            "rows": _PublicRows(live),
            "version": public_cache.version(live),
            "cache_seconds": public_cache.CACHE_SECONDS,
        },
    )
    return public_cache.private_page(request, response, public_cache.page_etag(request, live))


@require_safe
def public_drawing(request, slug: str, publication: int, n: int, size: str):
    """A published, consented drawing: its stable URL redirects to a short-lived signed one."""
    url = public_drawing_url(slug=slug, publication_id=publication, index=n, size=size)
    return public_cache.drawing_redirect(url)
