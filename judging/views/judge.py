"""The judge's pages: the queue, the scoring page, recusal, asking for an unlock, the files.

A judge's pages show an entry only as its anonymous code, title, description and the judge
copies of its files (``judge_files``): never a name, school, team, receipt number, uploader,
file name or upload time. Every page answers 404 to whoever may not see it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.errors import DomainError, NotFound
from core.http import error_text
from core.storage.endpoint import object_response
from core.storage.objectstore import StorageUnavailable, object_url, storage_is_s3
from judging.enums import ScorecardStatus
from judging.models import Assignment
from judging.pair_selectors import judge_pairwise_rounds
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
from judging.services.unlocks import unlock_request_make
from judging.unlock_reads import (
    card_latest_request,
    judge_declined_requests,
    judge_recused_from,
    judge_unlock_news,
)
from submissions.enums import FileSlot

SUBMITTED = ScorecardStatus.SUBMITTED
RECUSED = _lazy("You recused yourself from that entry. It is no longer yours.")


def points_text(value) -> str:
    """How a number input shows points: 30.00 → "30", 20.50 → "20.5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# ---- Judges -------------------------------------------------------------------------------


def _queue(user) -> list[Assignment]:
    """The judge's active assignments in their shuffled order, each with ``card`` (their own
    scorecard or None), ``state`` ("new", "draft" or "submitted") and ``total`` (their own
    points so far, as text). No files are fetched."""
    assignments = list(
        judge_assignments(user).prefetch_related(None).select_related("round__contest")
    )
    cards = scorecards_by_pair(user, assignments)
    for a in assignments:
        a.card = cards.get((a.round_id, str(a.entry_id)))
        a.state = a.card.status if a.card else "new"
        a.total = points_text(a.card.total) if a.card else ""
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
            "unlocked": judge_unlock_news(request.user),
            "declined": judge_declined_requests(request.user),
            "pairwise": judge_pairwise_rounds(request.user),
        },
    )


def _version(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _round_next(user, a: Assignment) -> Assignment | None:
    """The next entry of the same round still to submit, after this one in queue order."""
    queue = [q for q in _queue(user) if q.round_id == a.round_id]
    return _next_open(queue, after=a)


def _scoring_page(request, a: Assignment, *, posted: dict | None = None, status: int = 200):
    """The scoring page of one assignment. ``posted``: what a refused form sent back (the
    scores and their errors, or the recusal's / unlock request's reason and error)."""
    posted = posted or {}
    criteria = list(a.round.criteria.all())
    card = scorecards_by_pair(request.user, [a]).get((a.round_id, str(a.entry_id)))
    locked = card is not None and card.status == SUBMITTED
    values = {s.criterion.code: points_text(s.points) for s in card.scores.all()} if card else {}
    values = posted.get("values", values)
    field_errors = posted.get("field_errors", {})
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
            "comment": posted.get("comment", card.comment if card else ""),
            "comment_errors": [str(m) for m in field_errors.get("comment", [])],
            "version": posted.get("version") or (card.version if card else 1),
            "card": card,
            "total": points_text(card.total) if card else "0",
            "max_total": sum(c.max_points for c in criteria),
            "locked": locked,
            "problem": posted.get("problem"),
            "next": _round_next(request.user, a) if locked else None,
            "unlock_request": card_latest_request(card) if locked else None,
            "recuse": posted.get("recuse", {}),
            "ask": posted.get("ask", {}),
            "pdfjs": any(f["kind"] == "pdf" for f in files),
        },
        status=status,
    )


@login_required
def judge_assignment(request, assignment_id):
    """The scoring page. POST saves a draft or submits (locks) through ``scorecard_save``;
    after a submit the judge stays on the locked scorecard, with a link to the next entry of
    the same round."""
    try:
        a = judge_assignment_get(request.user, assignment_id)
    except NotFound:
        if judge_recused_from(request.user, assignment_id):  # nothing is saved on a POST
            messages.info(
                request, _("You recused yourself from that entry. It is no longer yours.")
            )
            return redirect("judge-queue")
        raise
    if request.method != "POST":
        return _scoring_page(request, a)
    values = {
        c.code: request.POST.get(f"score-{c.code}", "").strip() for c in a.round.criteria.all()
    }
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
        posted = {
            "values": values,
            "comment": comment,
            "problem": error,
            "field_errors": error.detail if error.code == "invalid_scores" else {},
            "version": _version(request.POST.get("version")),
        }
        return _scoring_page(request, a, posted=posted)
    if submit:
        messages.success(request, _("Submitted. This scorecard is now locked."))
    else:
        messages.success(request, _("Draft saved. You can change it until you submit."))
    return redirect("judge-assignment", assignment_id=a.pk)


def _reason_refused(request, a: Assignment, error: DomainError, form: str):
    """A refused recusal or unlock request: the scoring page again, the reason kept and the
    error beside its field (or as a message when it is not about the field)."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    errors = [str(m) for m in detail.get("reason", [])]
    if not errors:
        messages.error(request, error_text(error))
        return redirect("judge-assignment", assignment_id=a.pk)
    posted = {form: {"reason": request.POST.get("reason", ""), "errors": errors}}
    return _scoring_page(request, a, posted=posted)


@login_required
def judge_recuse(request, assignment_id):
    """Recusal needs a reason; afterwards the judge lands on the queue (a recusal sent again,
    e.g. from the browser's history, lands there too). A GET (the address bar after a refused
    recusal) goes to the scoring page."""
    if request.method != "POST":
        return redirect("judge-assignment", assignment_id=assignment_id)
    try:
        a = judge_assignment_get(request.user, assignment_id)
    except NotFound:
        if judge_recused_from(request.user, assignment_id):
            messages.info(
                request, _("You recused yourself from that entry. It is no longer yours.")
            )
            return redirect("judge-queue")
        raise
    try:
        assignment_recuse(
            user=request.user, assignment_id=a.pk, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise
    except DomainError as error:
        return _reason_refused(request, a, error, "recuse")
    messages.success(request, _("You have recused yourself. Another judge will score this entry."))
    return redirect("judge-queue")


@login_required
def judge_unlock_request(request, assignment_id):
    """The judge asks the organizer to unlock a scorecard they submitted (a GET goes to the
    scoring page)."""
    if request.method != "POST":
        return redirect("judge-assignment", assignment_id=assignment_id)
    a = judge_assignment_get(request.user, assignment_id)
    try:
        unlock_request_make(
            user=request.user, assignment_id=a.pk, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise
    except DomainError as error:
        return _reason_refused(request, a, error, "ask")
    messages.success(
        request,
        _("Your request is sent. You will get an e-mail when the organizer answers."),
    )
    return redirect("judge-assignment", assignment_id=a.pk)


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
