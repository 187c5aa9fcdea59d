"""The judge's pages: the queue, the scoring page, recusal, asking for an unlock, the files.

A judge's pages show an entry only as its anonymous code, title, description and the judge
copies of its files (``judge_files``): never a name, school, team, receipt number, uploader,
file name or upload time. Every page answers 404 to whoever may not see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from core.http import refusals_to
from core.storage.endpoint import object_response
from core.storage.objectstore import StorageUnavailable, object_url, storage_is_s3
from judging.enums import ScorecardStatus
from judging.models import Assignment
from judging.permissions import is_judge
from judging.selectors import (
    JUDGE_REDIRECT_SECONDS,
    judge_assignment_get,
    judge_assignments,
    judge_file_grant,
    judge_files,
    scorecards_by_pair,
)
from judging.services.assignment import assignment_recuse
from judging.services.scoring import scorecard_save
from submissions.enums import FileSlot

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
        {"rounds": list(rounds.values()), "next": _next_open(queue)},
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
    grant = judge_file_grant(token)
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
