"""Results pages: the organizer's (rank, advance, final ranking, allocate, approve, preview and
publish or schedule) and the public's (the published winners)."""

import uuid
from functools import cached_property
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from contests.enums import METHOD_CHOICES
from contests.phases import kst
from contests.selectors import (
    contest_detail_queryset,
    contest_managed_get,
    contest_round_get,
    contests_visible_to,
)
from core.errors import DomainError, NotFound
from core.http import error_text, job_page, refusals_to
from core.models import Job
from judging.dashboard import contest_dashboard
from results import certainty_pages, pages, public_cache
from results.models import BoundaryDecision, Publication
from results.selectors import (
    preview_winners,
    public_drawing_url,
    public_winners,
    publication_live,
    publication_public_get,
    results_public,
    tiers_without_winner,
)
from results.services import announcement, certainty, publication, rankings
from results.steps import contest_steps


@login_required
def organizer_contest(request, slug):
    """The organizer's contest page: the season as a checklist (what is done, what is missing,
    the one next action), then the dashboard."""
    contest = contest_managed_get(request.user, slug, contest_detail_queryset(request.user))
    return render(
        request,
        "judging/organizer_contest.html",
        {
            "contest": contest,
            "season": contest_steps(contest),
            "dashboard": contest_dashboard(contest),
        },
    )


@login_required
def results_manage(request, slug):
    contest = contest_managed_get(request.user, slug)
    season = contest_steps(contest)
    rounds, final = pages.round_views(contest, season), pages.final_view(contest)
    allocation = pages.allocation_view(contest)
    names = {d.code: d.name for d in contest.divisions.all()}
    for view in rounds:  # how sure each order is (DOMAIN §6): intervals, offsets, ICC
        view.certainty = certainty_pages.round_certainty(view.snapshot, view.judges, names)
    if final is not None:
        final["certainty"] = certainty_pages.final_certainty(final["snapshot"], names)
    if allocation is not None:
        allocation["boundaries"] = certainty_pages.boundaries_view(
            contest, allocation["allocation"], names
        )
    return render(
        request,
        "results/manage.html",
        {
            "contest": contest,
            "season": season,
            "rounds": rounds,
            "methods": METHOD_CHOICES,
            "background_threshold": settings.BACKGROUND_THRESHOLD,
            "final": final,
            "allocation": allocation,
            "decisions": BoundaryDecision.choices,
            "live": publication_live(contest),
            "scheduled_for": contest.publication_scheduled_for,
            "ready": season.ready_to_publish,
            "primary": season.current.key if season.current else "",
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
            user=user,
            round=rnd,
            method=request.POST.get("method") or None,
            override_reason=request.POST.get("override_reason", "")[:2000],
        )
        if isinstance(snap, Job):
            return job_page(request, snap, _results_page(request, slug, action))
        messages.success(
            request,
            ngettext("Ranked %(n)d entry.", "Ranked %(n)d entries.", len(snap.rows))
            % {"n": len(snap.rows)},
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
    elif action == "acknowledge":  # contested prize boundaries, before the approval
        certainty.boundaries_acknowledge(
            user=user,
            contest=contest,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", "")[:2000],
        )
        messages.success(request, _("Recorded. The allocation can now be approved."))
    elif action == "publish":  # from the preview, confirmed
        return _publish(request, contest)
    elif action == "unpublish":
        publication.results_unpublish(
            user=user, contest=contest, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Results withdrawn; the reason is recorded."))
    else:
        raise Http404
    return redirect("organizer-results", slug=contest.slug)


def _publish(request, contest):
    """Publishing needs the organizer's confirmation on the preview (and a second one when it
    comes before the announcement date)."""
    preview_url = reverse("organizer-results-preview", args=[contest.slug])
    early = contest.results_at is not None and contest.results_at > timezone.now()
    if request.POST.get("confirm") != "1" or (early and request.POST.get("early") != "1"):
        messages.error(
            request,
            _("Look at the preview and confirm before publishing.")
            if request.POST.get("confirm") != "1"
            else _("Confirm that the results go public before the announcement date."),
        )
        return redirect(preview_url)
    publication.results_publish(user=request.user, contest=contest)
    messages.success(request, _("Results published. The letters are being sent."))
    return redirect("organizer-results", slug=contest.slug)


@login_required
def results_preview(request, slug):
    """The public page as publication will make it, with what goes out and the confirmation;
    POST schedules the publication for the announcement date, or cancels the schedule."""
    contest = contest_managed_get(request.user, slug)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "schedule":
                announcement.publication_schedule(user=request.user, contest=contest)
                messages.success(
                    request,
                    _("Publication scheduled for %(when)s (KST). You can cancel it until then.")
                    % {"when": kst(contest.results_at)},
                )
            elif request.POST.get("action") == "cancel":
                announcement.publication_schedule_cancel(
                    user=request.user, contest=contest, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The scheduled publication is cancelled."))
            else:
                raise Http404
        except NotFound:
            raise
        except DomainError as error:
            messages.error(request, error_text(error))
        return redirect("organizer-results-preview", slug=contest.slug)
    try:
        preview = announcement.publication_preview(user=request.user, contest=contest)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("organizer-results", slug=contest.slug)
    winners = preview_winners(preview.winners)
    return render(
        request,
        public_cache.PAGE_TEMPLATE,
        {
            "contest": contest,
            "published_at": preview.published_at,
            "rows": SimpleNamespace(
                winners=winners,
                gallery=[w for w in winners if w.get("thumbnail_url")],
                unawarded=tiers_without_winner(contest, preview.winners),
            ),
            "version": f"preview-{uuid.uuid4().hex}",  # never a cached publication's bytes
            "cache_seconds": 0,
            "preview": preview,
        },
    )


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

    @cached_property
    def unawarded(self) -> list[dict]:
        return tiers_without_winner(self.publication.contest, self.publication.winners)


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
