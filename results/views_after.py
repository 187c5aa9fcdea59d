"""Pages of what follows publication (DOMAIN §8): the public verification of a certificate,
the entrant's certificate download and appeal (their feedback is a partial of the entry page,
``results.templatetags.after_results``), and the organizer's page for comments to share,
certificates and appeals. Thin: parse → one service or selector → render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.throttling import client_ip
from contests.selectors import contest_managed_get
from core.errors import DomainError
from core.http import error_text, job_page, refusals_to
from core.ratelimit import rate_limit_hit
from judging.models import Scorecard
from results.certificates import serial_normalize
from results.enums import AppealStatus, CertificateKind, CommentShareStatus
from results.selectors import publication_live
from results.selectors_after import (
    appeal_managed_get,
    appeal_window_closes_at,
    appeals_for_review,
    certificate_design,
    certificate_of_entry,
    certificate_summary,
    certificate_verify,
    comment_state,
    comments_for_review,
)
from results.services import appeals, certificates_issue, feedback
from submissions.selectors import entry_get_visible

PAGE_SIZE = 50


# ---- public ---------------------------------------------------------------------------------


def verify_form(request):
    """A box to type a serial; sends the reader to its page."""
    typed = (request.GET.get("serial") or "").strip()
    if typed:
        canonical = serial_normalize(text=typed) or typed.replace("/", "")
        return redirect("certificate-verify", serial=canonical)
    return render(request, "results/after_verify.html", {"verification": None})


def verify(request, serial: str):
    """``/verify/<serial>``: the certificate's contest, kind, award and masked name, or plainly
    that the serial is unknown or revoked. No login; rate-limited per address."""
    rate_limit_hit(scope="verify", ident=client_ip(request), rate=settings.VERIFY_RATE)
    result = certificate_verify(serial)
    if result.status != "unknown" and result.serial != serial:
        return redirect("certificate-verify", serial=result.serial)  # the canonical form
    status = 404 if result.status == "unknown" else 200
    response = render(request, "results/after_verify.html", {"verification": result}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


# ---- the entrant ----------------------------------------------------------------------------


@login_required
@require_GET
def entry_certificate(request, entry_id, serial: str):
    """One certificate PDF of the entry (its owner and the contest's organizers)."""
    entry = entry_get_visible(request.user, entry_id)
    cert = certificate_of_entry(user=request.user, entry=entry, serial=serial)
    pdf, filename = certificates_issue.certificate_pdf(certificate=cert)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _entry_page(request, entry_id, *_args) -> str:
    return reverse("entry-detail", args=[entry_id])


@login_required
@require_POST
@refusals_to(_entry_page)
def entry_appeal(request, entry_id):
    entry = entry_get_visible(request.user, entry_id)
    appeals.appeal_file(user=request.user, entry=entry, reason=request.POST.get("reason", ""))
    messages.success(request, _("Your appeal is filed. We sent you a copy by e-mail."))
    return redirect("entry-detail", entry_id=entry.pk)


# ---- the organizer --------------------------------------------------------------------------


def _after_page(request, slug, *_args) -> str:
    return reverse("organizer-after", args=[slug])


@login_required
def organizer_after(request, slug):
    contest = contest_managed_get(request.user, slug)
    status = request.GET.get("status", "")
    queue = Paginator(appeals_for_review(contest, status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "results/after_manage.html",
        {
            "contest": contest,
            "live": publication_live(contest),
            "window_closes": appeal_window_closes_at(contest),
            "certificates": certificate_summary(contest),
            "design": certificate_design(contest),
            "appeals": queue,
            "status": status,
            "statuses": AppealStatus.choices,
            "kinds": CertificateKind.choices,
            "divisions": contest.divisions.all(),
        },
    )


def _comments_page(request, slug, *_args) -> str:
    query = request.POST.get("next_query", "")
    return reverse("organizer-comments", args=[slug]) + (f"?{query}" if query else "")


@login_required
@refusals_to(_comments_page)
def organizer_comments(request, slug):
    """The one list of judges' comments: share (as written or edited), hide, or undo."""
    contest = contest_managed_get(request.user, slug)
    if request.method == "POST":
        status = request.POST.get("status", "")
        if request.POST.get("bulk"):
            n = feedback.comments_share_bulk(
                user=request.user,
                contest=contest,
                scorecard_ids=request.POST.getlist("card"),
                status=status,
            )
            messages.success(request, _("%(n)d comments updated.") % {"n": n})
        else:
            feedback.comment_share_set(
                user=request.user,
                contest=contest,
                scorecard_id=request.POST.get("card"),
                status=status,
                text=request.POST.get("text"),
            )
            messages.success(request, _("Saved."))
        return redirect(_comments_page(request, slug))
    state = request.GET.get("status", CommentShareStatus.PENDING)
    page = Paginator(comments_for_review(contest, state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"card": card, "state": comment_state(card)} for card in page.object_list]
    return render(
        request,
        "results/after_comments.html",
        {
            "contest": contest,
            "page": page,
            "rows": rows,
            "state": state,
            "states": CommentShareStatus.choices,
            "live": publication_live(contest),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
@refusals_to(_after_page)
def organizer_certificates_issue(request, slug):
    contest = contest_managed_get(request.user, slug)
    job = certificates_issue.certificates_issue_start(user=request.user, contest=contest)
    return job_page(request, job, _after_page(request, slug))


@login_required
@require_POST
@refusals_to(_after_page)
def organizer_certificate_design(request, slug):
    contest = contest_managed_get(request.user, slug)
    upload = request.FILES.get("logo")
    certificates_issue.certificate_design_save(
        user=request.user,
        contest=contest,
        issuer=request.POST.get("issuer", ""),
        signatory_name=request.POST.get("signatory_name", ""),
        signatory_title=request.POST.get("signatory_title", ""),
        accent=request.POST.get("accent", ""),
        logo=upload.read(certificates_issue.LOGO_MAX_BYTES + 1) if upload else None,
        logo_remove=request.POST.get("logo_remove") == "1",
    )
    messages.success(request, _("Certificate design saved."))
    return redirect("organizer-after", slug=contest.slug)


@login_required
@require_GET
def organizer_certificates_zip(request, slug):
    """Every live certificate (or one kind, one division) as a ZIP made while it downloads."""
    contest = contest_managed_get(request.user, slug)
    try:
        chunks = certificates_issue.certificates_zip(
            user=request.user,
            contest=contest,
            kind=request.GET.get("kind", ""),
            division=request.GET.get("division", ""),
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("organizer-after", slug=contest.slug)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{contest.slug}-certificates.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _appeal_page(request, slug, appeal_id, *_args) -> str:
    return reverse("organizer-appeal", args=[slug, appeal_id])


@login_required
@refusals_to(_appeal_page)
def organizer_appeal(request, slug, appeal_id):
    """One appeal: the reason, the entry's scorecards (to unlock for re-scoring), the steps
    after accepting, and the decision."""
    contest = contest_managed_get(request.user, slug)
    appeal = appeal_managed_get(contest, appeal_id)
    if request.method == "POST":
        appeals.appeal_decide(
            user=request.user,
            contest=contest,
            appeal_id=appeal.pk,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            unlock=request.POST.getlist("unlock"),
        )
        messages.success(request, _("Decision recorded; the entrant is told by e-mail."))
        return redirect("organizer-appeal", slug=contest.slug, appeal_id=appeal.pk)
    cards = (
        Scorecard.objects.filter(entry=appeal.entry)
        .select_related("round", "judge")
        .order_by("round__order", "judge__name", "pk")
    )
    return render(
        request,
        "results/after_appeal.html",
        {"contest": contest, "appeal": appeal, "cards": cards, "live": publication_live(contest)},
    )


@login_required
@require_GET
def organizer_certificate_preview(request, slug):
    """A sample certificate with the current design (an issued one if there is any)."""
    contest = contest_managed_get(request.user, slug)
    try:
        pdf = certificates_issue.certificate_preview(user=request.user, contest=contest)
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("organizer-after", slug=contest.slug)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
