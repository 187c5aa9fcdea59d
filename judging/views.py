"""Judge and organizer pages of judging. Thin: parse → one service or selector → render.

A judge's pages show an entry only as its anonymous code, title, description and the judge
copies of its files (``judge_files``): never a name, school, team, receipt number, uploader,
file name or upload time. Every page answers 404 to whoever may not see it.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from contests.enums import RoundKind
from contests.phases import contest_phase, round_window
from contests.selectors import contest_managed_get, contest_round_get
from core.errors import DomainError, NotFound, ValidationFailed
from core.http import error_text, job_page, refusals_to
from core.models import Job
from core.storage.endpoint import object_response
from core.storage.objectstore import StorageUnavailable, object_url, storage_is_s3
from judging.enums import ScorecardStatus
from judging.models import Assignment
from judging.pair_selectors import judge_pairwise_rounds
from judging.permissions import is_judge
from judging.pickers import (
    ENTRY_LIST_LIMIT,
    contest_judges,
    entries_with_judges,
    expertise_labels,
    judge_choices,
    judge_label,
    judge_pick,
    scorecards_submitted,
)
from judging.progress import rounds_owed
from judging.selectors import (
    JUDGE_REDIRECT_SECONDS,
    judge_assignment_get,
    judge_assignments,
    judge_file_grant,
    judge_files,
    round_pending_conflicts,
    round_progress,
    scorecards_by_pair,
)
from judging.services.assignment import assignment_recuse, assignment_start
from judging.services.panel import conflict_declare, judge_profile_set, panel_member_add
from judging.services.reminders import round_reminders_send
from judging.services.scoring import scorecard_save, scorecard_unlock
from submissions.enums import FileSlot
from submissions.selectors import entry_by_receipt

SUBMITTED = ScorecardStatus.SUBMITTED
UNLOCK_LIST_LIMIT = 200  # the newest submitted scorecards; a search narrows the rest


def points_text(value) -> str:
    """How a number input shows points: 30.00 → "30", 20.50 → "20.5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# ---- Judges -------------------------------------------------------------------------------


def _queue(user) -> list[Assignment]:
    """The judge's active assignments in their shuffled order, each with ``card`` (their own
    scorecard or None) and ``state`` ("new", "draft" or "submitted"). No files are fetched."""
    assignments = list(
        judge_assignments(user).prefetch_related(None).select_related("round__contest")
    )
    cards = scorecards_by_pair(user, assignments)
    for a in assignments:
        a.card = cards.get((a.round_id, str(a.entry_id)))
        a.state = a.card.status if a.card else "new"
    return assignments


def _next_open(queue: list[Assignment], after: Assignment | None = None) -> Assignment | None:
    """The next assignment not yet submitted, in queue order after ``after`` (wrapping)."""
    start = next((i + 1 for i, a in enumerate(queue) if after and a.pk == after.pk), 0)
    return next((a for a in queue[start:] + queue[:start] if a.state != SUBMITTED), None)


@login_required
def judge_queue(request):
    if not is_judge(request.user):
        raise Http404
    queue = _queue(request.user)
    rounds: dict[int, dict] = {}
    for a in queue:
        group = rounds.setdefault(a.round_id, {"round": a.round, "items": []})
        group["items"].append(a)
    for group in rounds.values():
        group["assigned"] = len(group["items"])
        group["submitted"] = sum(a.state == SUBMITTED for a in group["items"])
        group["next"] = _next_open(group["items"])
    return render(
        request,
        "judging/queue.html",
        {
            "rounds": list(rounds.values()),
            "next": _next_open(queue),
            "pairwise": judge_pairwise_rounds(request.user),
        },
    )


def _version(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


@login_required
def judge_assignment(request, assignment_id):
    """The scoring page. POST saves a draft or submits (locks) through ``scorecard_save``."""
    a = judge_assignment_get(request.user, assignment_id)
    criteria = list(a.round.criteria.all())
    card = scorecards_by_pair(request.user, [a]).get((a.round_id, str(a.entry_id)))
    locked = card is not None and card.status == SUBMITTED
    values = {s.criterion.code: points_text(s.points) for s in card.scores.all()} if card else {}
    comment = card.comment if card else ""
    version = card.version if card else 1  # a new card starts at 1: two first saves conflict
    field_errors: dict = {}
    problem = None
    if request.method == "POST":
        values = {c.code: request.POST.get(f"score-{c.code}", "").strip() for c in criteria}
        comment = request.POST.get("comment", "")
        submit = request.POST.get("action") == "submit"
        try:
            scorecard_save(
                user=request.user,
                assignment_id=a.pk,
                scores=values,
                comment=comment,
                submit=submit,
                version=_version(request.POST.get("version")),
            )
        except NotFound:
            raise
        except DomainError as error:
            if error.code == "scorecard_locked":  # submitted meanwhile, e.g. in another tab
                messages.error(request, str(error.message))
                return redirect("judge-assignment", assignment_id=a.pk)
            problem = error
            field_errors = error.detail if error.code == "invalid_scores" else {}
            version = _version(request.POST.get("version")) or version
        else:
            if not submit:
                messages.success(request, _("Draft saved. You can change it until you submit."))
                return redirect("judge-assignment", assignment_id=a.pk)
            messages.success(request, _("Submitted. This scorecard is now locked."))
            following = _next_open(_queue(request.user), after=a)
            if following is None:
                return redirect("judge-queue")
            return redirect("judge-assignment", assignment_id=following.pk)
    rows = [
        {
            "criterion": c,
            "name": f"score-{c.code}",
            "value": values.get(c.code, ""),
            "errors": [str(m) for m in field_errors.get(c.code, [])],
        }
        for c in criteria
    ]
    files = [
        {"url": f.url, "kind": f.kind, "label": FileSlot(f.slot).label, "n": n}
        for n, f in enumerate(judge_files(a), start=1)
    ]
    return render(
        request,
        "judging/assignment.html",
        {
            "assignment": a,
            "entry": a.entry,
            "round": a.round,
            "rows": rows,
            "files": files,
            "comment": comment,
            "comment_errors": [str(m) for m in field_errors.get("comment", [])],
            "version": version,
            "card": card,
            "total": points_text(card.total) if card else "0",
            "max_total": sum(c.max_points for c in criteria),
            "locked": locked,
            "problem": problem,
        },
    )


def _assignment_page(request, assignment_id) -> str:
    return reverse("judge-assignment", args=[assignment_id])


@login_required
@require_POST
@refusals_to(_assignment_page)
def judge_recuse(request, assignment_id):
    assignment_recuse(
        user=request.user,
        assignment_id=judge_assignment_get(request.user, assignment_id).pk,
        reason=request.POST.get("reason", "")[:2000],
    )
    messages.success(request, _("You have recused yourself. Another judge will score this entry."))
    return redirect("judge-queue")


def judge_file(request, token):
    """A judge's link to a copy of an entry's file, re-checked now (``judge_file_grant``):
    served from here in filesystem mode, or a redirect to a presigned URL of at most
    ``JUDGE_REDIRECT_SECONDS`` in S3 mode (app servers never relay bytes there)."""
    return grant_response(judge_file_grant(token))


def grant_response(grant) -> HttpResponse:
    """Serve what a judge's link grants (a ``JudgeFileGrant``, checked already)."""
    if storage_is_s3():
        response = redirect(
            object_url(
                key=grant.key,
                filename=grant.filename,
                as_attachment=grant.as_attachment,
                content_type=grant.content_type,
                expires_in=JUDGE_REDIRECT_SECONDS,
            )
        )
    else:
        try:
            response = object_response(
                key=grant.key,
                filename=grant.filename,
                content_type=grant.content_type,
                as_attachment=grant.as_attachment,
            )
        except FileNotFoundError as exc:
            raise Http404 from exc
        except StorageUnavailable as exc:
            return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain")
    response["Cache-Control"] = "private, no-store"
    return response


# ---- Organizers ---------------------------------------------------------------------------
# The contest's own page (the season's checklist and the dashboard) is results.views'
# ``organizer_contest``: the checklist reads the results too.


def _whole(raw: str, field: str, minimum: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"-?\d{1,9}", raw) or int(raw) < minimum:
        message = _("Enter a whole number of at least %(n)d.") % {"n": minimum}
        raise ValidationFailed(detail={field: [message]})
    return int(raw)


def _picked(request, field: str, allowed) -> User:
    judge = judge_pick(request.POST.get(field), allowed=allowed)
    if judge is None:
        raise ValidationFailed(detail={field: [_("Choose a judge from the list.")]})
    return judge


def _panel_add(request, rnd) -> str:
    judge = _picked(request, "judge", judge_choices(rnd))
    max_load = _whole(request.POST.get("max_load", ""), "max_load", 1)
    codes = {d.code for d in rnd.contest.divisions.all()}
    expertise = [c for c in request.POST.getlist("expertise") if c in codes]
    panel_member_add(user=request.user, round=rnd, judge=judge, max_load=max_load)
    if expertise:
        judge_profile_set(judge=judge, expertise=expertise)
    return _("%(judge)s is on the panel.") % {"judge": judge_label(judge)}


def _assign(request, rnd) -> str | Job:
    seed = _whole(request.POST.get("seed", ""), "seed", 0) or 0
    s = assignment_start(user=request.user, round=rnd, seed=seed)
    if isinstance(s, Job):
        return s
    if rnd.kind == RoundKind.PAIRWISE:
        done = _(
            "This round is judged in pairs: every judge of the panel compares its entries, so "
            "there is nothing to assign. Its entries are now in judging."
        )
    done = _(
        "Assignment done: %(assigned)d new, %(total)d in all, %(min)d–%(max)d entries per "
        "judge, total expertise affinity %(affinity)s."
    ) % {
        "assigned": s.assigned,
        "total": s.total,
        "min": s.min_load,
        "max": s.max_load,
        "affinity": points_text(s.total_affinity),
    }
    if s.released:
        done += " " + ngettext(
            "%(n)d assignment forbidden by a declared conflict went to another judge.",
            "%(n)d assignments forbidden by declared conflicts went to other judges.",
            s.released,
        ) % {"n": s.released}
    return done


def _conflict(request, rnd) -> str:
    judge = _picked(request, "judge", contest_judges(rnd.contest))
    receipt = request.POST.get("entry", "").strip()
    entry = entry_by_receipt(request.user, rnd.contest, receipt) if receipt else None
    conflict_declare(
        user=request.user,
        contest=rnd.contest,
        judge=judge,
        entry=entry,
        institution=request.POST.get("institution", ""),
        reason=request.POST.get("reason", ""),
    )
    return _(
        "The conflict of interest is recorded. Assignments it forbids went to other judges "
        "where possible."
    )


def _unlock(request, rnd) -> str:
    scorecard_unlock(
        user=request.user,
        scorecard_id=_whole(request.POST.get("scorecard", ""), "scorecard", 1),
        reason=request.POST.get("reason", ""),
    )
    return _("Unlocked. The judge can change the scorecard again; the reason is recorded.")


def _remind(request, rnd) -> str:
    sent = round_reminders_send(user=request.user, round=rnd)
    return ngettext(
        "Reminder sent to %(n)d judge: %(names)s.",
        "Reminders sent to %(n)d judges: %(names)s.",
        len(sent),
    ) % {"n": len(sent), "names": ", ".join(f"{r.judge} ({r.left})" for r in sent)}


ROUND_ACTIONS = {
    "panel": _panel_add,
    "assign": _assign,
    "conflict": _conflict,
    "unlock": _unlock,
    "remind": _remind,
}


def _failure(action: str, error: DomainError, data) -> dict:
    """What the round page shows about a refused form: the message, every detail message,
    and for an infeasible assignment the entries that lack judges (by receipt number)."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    listed = [str(m) for v in detail.values() if isinstance(v, list) for m in v]
    entries = []
    if error.code == "assignment_infeasible":
        available = detail.get("available") or {}
        entries = [(receipt, available.get(receipt)) for receipt in detail.get("entries", [])]
        listed = []
    if error.code == "scorecards_outstanding":
        listed = []  # the message names the judges already
    return {
        "action": action,
        "code": error.code,
        "message": error.message,
        "messages": listed,
        "detail": detail,
        "entries": entries,
        "scorecard": data.get("scorecard", ""),
    }


@login_required
def organizer_round(request, slug, round_id):
    """Panel and progress, and the forms that change them: add a judge (picked by name), run
    the assignment, remind the judges, record a conflict, unlock a scorecard. Success redirects
    with a message; an error re-renders the page with the message next to the form that caused
    it, keeping what was typed."""
    contest = contest_managed_get(request.user, slug)
    rnd = contest_round_get(contest, round_id)
    failed: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ROUND_ACTIONS:
            raise Http404
        try:
            with transaction.atomic():  # a queued job is recorded with the request's work
                text = ROUND_ACTIONS[action](request, rnd)
        except NotFound:
            raise
        except DomainError as error:
            if action == "remind":  # from the checklist too: a message on the round page
                messages.error(request, error_text(error))
                return redirect("organizer-round", slug=contest.slug, round_id=rnd.pk)
            failed = _failure(action, error, request.POST)
        else:
            if isinstance(text, Job):
                back = reverse("organizer-round", args=[contest.slug, rnd.pk])
                return job_page(request, text, back)
            messages.success(request, text)
            return redirect("organizer-round", slug=contest.slug, round_id=rnd.pk)
    progress = round_progress(rnd)
    owed = {j.judge_id: j.outstanding for j in rounds_owed([rnd.pk]).get(rnd.pk, [])}
    expertise = expertise_labels(contest, [p.judge_id for p in progress])
    search = request.GET.get("q", "").strip()
    entry_search = request.GET.get("entry", "").strip()
    entries, entries_total = entries_with_judges(rnd, entry_search)
    state = contest_phase(contest)
    return render(
        request,
        "judging/organizer_round.html",
        {
            "contest": contest,
            "round": rnd,
            "pending_conflicts": round_pending_conflicts(rnd),
            "phase": state,
            "window": round_window(rnd, state.now),
            "progress": [
                {
                    "p": p,
                    "outstanding": owed.get(p.judge_id, 0),
                    "expertise": expertise.get(p.judge_id, ""),
                }
                for p in progress
            ],
            "outstanding": sum(owed.values()),
            "assigned": sum(p.assigned for p in progress),
            "drafted": sum(p.drafted for p in progress),
            "submitted": sum(p.submitted for p in progress),
            "cards": scorecards_submitted(rnd, search, UNLOCK_LIST_LIMIT),
            "search": search,
            "limit": UNLOCK_LIST_LIMIT,
            "judges": judge_choices(rnd),
            "contest_judges": contest_judges(contest),
            "divisions": contest.divisions.all(),
            "entries": entries,
            "entries_total": entries_total,
            "entry_search": entry_search,
            "entry_limit": ENTRY_LIST_LIMIT,
            "failed": failed,
            "background_threshold": settings.BACKGROUND_THRESHOLD,
            "errors": {failed["action"]: failed["detail"]} if failed else {},
            "posted": {failed["action"]: request.POST} if failed else {},
        },
    )
