"""The organizer's round page: panel, assignment, conflicts, reminders, unlocks."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from contests.enums import RoundKind
from contests.phases import contest_phase, round_window
from contests.selectors import contest_managed_get, contest_round_get
from core.errors import DomainError, NotFound, ValidationFailed
from core.http import error_text, job_page
from core.models import Job
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
    round_pending_conflicts,
    round_progress,
)
from judging.services.assignment import assignment_start
from judging.services.panel import conflict_declare, judge_profile_set, panel_member_add
from judging.services.reminders import round_reminders_send
from judging.services.scoring import scorecard_unlock, unlock_request_grant
from judging.services.unlocks import unlock_request_decline
from judging.unlock_reads import round_unlock_requests
from judging.views.judge import points_text
from submissions.selectors import entry_by_receipt

UNLOCK_LIST_LIMIT = 200  # the newest submitted scorecards; a search narrows the rest

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
        return _(
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


def _unlock_answer(request, answer_with, done: str) -> str:
    """The organizer's answer to a judge's unlock request (grant or decline, told to the judge)."""
    answer_with(
        user=request.user,
        request_id=_whole(request.POST.get("request", ""), "request", 1),
        answer=request.POST.get("answer", ""),
    )
    return done


def _unlock_grant(request, rnd) -> str:
    return _unlock_answer(
        request,
        unlock_request_grant,
        _("Unlocked. The judge is told by e-mail and on their queue."),
    )


def _unlock_decline(request, rnd) -> str:
    return _unlock_answer(
        request,
        unlock_request_decline,
        _("Declined. The judge is told by e-mail and on their queue."),
    )


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
    "unlock_grant": _unlock_grant,
    "unlock_decline": _unlock_decline,
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
            "unlock_requests": list(round_unlock_requests(rnd)),
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
