"""Entrant and organizer pages for entries. Thin: parse → one service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from contests.enums import Track
from contests.permissions import is_contest_organizer
from contests.phases import Action, contest_phase, phase_allows
from contests.selectors import contest_detail_queryset, contest_managed_get, contests_visible_to
from core.errors import DomainError, NotFound, ValidationFailed
from core.http import error_text, refusals_to
from submissions.enums import EntryStatus, FileSlot
from submissions.forms import (
    DrawingEntryForm,
    EntrantMessageForm,
    TeamEntryForm,
    form_add_domain_error,
)
from submissions.models import Entry
from submissions.overview import (
    SCREENABLE,
    counts_table,
    organizer_previews,
    screening_choices,
)
from submissions.permissions import (
    entry_deadline_open,
    entry_editable_by_entrant,
    entry_withdrawable,
)
from submissions.selectors import (
    entries_filter,
    entries_visible_to,
    entries_with_details,
    entry_by_receipt,
    entry_get_visible,
    entry_possible_duplicates,
    possible_duplicate,
)
from submissions.services import entries as services
from submissions.services.children import entry_child_correct
from submissions.services.files import file_thumbnail_url, file_url
from submissions.services.members import (
    InvitationInvalid,
    member_confirm,
    member_invitation_get,
    member_invite,
)
from submissions.services.messages import contest_messages, entrant_message_send, entry_messages
from submissions.services.screening import entries_screen
from submissions.services.verification import (
    TooManyCodes,
    guardian_code_send,
    guardian_code_verify,
    guardian_verified_at,
)
from submissions.slots import slot_guides
from submissions.todo import entry_steps, entry_todo

LIST_LIMIT = 500  # entries the organizer's page lists; the filters narrow the rest
MESSAGE_LIST_LIMIT = 100  # the newest messages sent in a contest


def _form_class(contest):
    return TeamEntryForm if contest.track == Track.SMART_CITY else DrawingEntryForm


@login_required
def my_entries(request):
    entries = list(
        entries_with_details(entries_visible_to(request.user).filter(owner=request.user)).order_by(
            "-created_at"
        )
    )
    contests = list(contests_visible_to(request.user).order_by("opens_at", "slug"))
    # A team enters a contest once: where the student already has an active entry, the card
    # opens it instead of offering a form that would be refused. A guardian enters one
    # drawing per child: the card offers another child's.
    held = {
        e.contest_id: e
        for e in entries
        if e.status != EntryStatus.WITHDRAWN and e.contest.track == Track.SMART_CITY
    }
    for contest in contests:
        contest.held_entry = held.get(contest.pk)
    return render(
        request,
        "submissions/my_entries.html",
        {"entries": entries, "contests": contests},
    )


def _login_to_enter(request, contest):
    """Someone not logged in who chose "enter": the log-in page, which offers the sign-up
    for the contest's entrants and brings them back to the form (``next``)."""
    role = "student" if contest.track == Track.SMART_CITY else "guardian"
    query = urlencode({"next": request.get_full_path(), "role": role})
    return redirect(f"{reverse('login')}?{query}")


def entry_new(request, slug):
    contest = get_object_or_404(contest_detail_queryset(request.user), slug=slug)
    if not request.user.is_authenticated:
        return _login_to_enter(request, contest)
    form_class = _form_class(contest)
    initial = TeamEntryForm.leader_initial(request.user) if form_class is TeamEntryForm else {}
    form = form_class(request.POST or None, contest=contest, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(user=request.user, contest=contest, data=form.to_input())
        except DomainError as error:
            form_add_domain_error(form, error)
            existing = _existing_entry(error)
        else:
            messages.success(
                request,
                _("Saved as a draft. Now upload the drawing, then submit.")
                if contest.track == Track.DRAWING
                else _("Saved as a draft. Now upload the proposal, then submit."),
            )
            return redirect("entry-detail", entry_id=entry.pk)
    verified = _verified(request.user, contest.track)
    return render(
        request,
        "submissions/entry_form.html",
        {
            "form": form,
            "contest": contest,
            "existing": existing,
            "verified": verified,
            "steps": entry_steps(None, track=contest.track, verified=verified),
        },
    )


def _verified(user, track: str) -> bool:
    """Whether the guardian's email is verified (students need no code)."""
    return track != Track.DRAWING or guardian_verified_at(user) is not None


def _existing_entry(error: DomainError) -> str | None:
    """The page of the entry a refusal points at (``already_entered``: the child's drawing
    already entered by this guardian)."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    if error.code == "already_entered" and detail.get("entry_id"):
        return reverse("entry-detail", args=[detail["entry_id"]])
    return None


@login_required
def entry_edit(request, entry_id):
    entry = entry_get_visible(request.user, entry_id)
    if entry.owner_id != request.user.pk:
        return redirect("entry-detail", entry_id=entry.pk)
    contest = entry.contest
    form_class = _form_class(contest)
    form = form_class(request.POST or None, initial=form_class.initial_from(entry), contest=contest)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        fields = {"title", "description", "consents"}
        if contest.track == Track.SMART_CITY:
            fields |= {"team_name", "theme", "video_url", "members"}
        try:
            with transaction.atomic():  # the child's correction and the rest, or nothing
                if form_class is DrawingEntryForm and form.child_changed(entry):
                    entry_child_correct(user=request.user, entry=entry, child=form.child_input())
                services.entry_update(user=request.user, entry=entry, data=data, fields=fields)
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            form_add_domain_error(form, error)
            existing = _existing_entry(error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("entry-detail", entry_id=entry.pk)
    else:
        existing = None
    return render(
        request,
        "submissions/entry_form.html",
        {"form": form, "contest": contest, "entry": entry, "existing": existing},
    )


@login_required
def entry_detail(request, entry_id):
    entry = entry_get_visible(request.user, entry_id)
    is_owner = entry.owner_id == request.user.pk
    open_ = entry_deadline_open(entry)
    editable = is_owner and open_ and entry_editable_by_entrant(entry)
    guides = slot_guides(entry.contest.track)
    files = list(entry.stored_files)
    required = FileSlot.PROPOSAL if entry.contest.track == Track.SMART_CITY else FileSlot.DRAWING
    single = {g.value for g in guides if g.max_files == 1}
    verified = not is_owner or _verified(request.user, entry.contest.track)
    for f in files:
        # a submitted entry keeps its required file: it is replaced, never deleted
        f.deletable = editable and not (
            entry.status == EntryStatus.SUBMITTED and f.slot == required
        )
    organizer = is_contest_organizer(request.user, entry.contest)
    return render(
        request,
        "submissions/entry_detail.html",
        {
            "entry": entry,
            "files": files,
            "is_owner": is_owner,
            "is_organizer": organizer,
            "previews": organizer_previews(entry) if organizer else [],
            "editable": editable,
            "can_withdraw": is_owner and entry_withdrawable(entry),
            "slots": guides,
            "occupied": ",".join(sorted({f.slot for f in files} & single)),
            "accept": ",".join(dict.fromkeys(",".join(g.accept for g in guides).split(","))),
            "duplicates": entry_possible_duplicates(request.user, entry),
            "needs_verification": not verified,
            "todo": entry_todo(entry, verified=verified)
            if is_owner and entry.status == EntryStatus.DRAFT
            else None,
            "steps": entry_steps(entry, track=entry.contest.track, verified=verified)
            if is_owner and entry.status in (EntryStatus.DRAFT, EntryStatus.SUBMITTED)
            else [],
            "inbox": list(entry_messages(entry)) if is_owner or organizer else [],
        },
    )


def _entry_page(request, entry_id, *_args) -> str:
    return reverse("entry-detail", args=[entry_id])


@refusals_to(_entry_page)
def _run(request, entry_id, action, success):
    action(entry_get_visible(request.user, entry_id))
    messages.success(request, success)
    return redirect("entry-detail", entry_id=entry_id)


@login_required
@require_POST
def entry_submit(request, entry_id):
    return _run(
        request,
        entry_id,
        lambda e: services.entry_submit(user=request.user, entry=e),
        _("Submitted. Your receipt number is on this page and in your email."),
    )


@login_required
@require_POST
def entry_withdraw(request, entry_id):
    return _run(
        request,
        entry_id,
        lambda e: services.entry_withdraw(user=request.user, entry=e),
        _("The entry is withdrawn and its files are deleted."),
    )


@login_required
@require_POST
def entry_screen(request, entry_id):
    eligible = request.POST.get("eligible") == "1"
    return _run(
        request,
        entry_id,
        lambda e: services.entry_screen(
            user=request.user, entry=e, eligible=eligible, reason=request.POST.get("reason", "")
        ),
        _("Screening saved."),
    )


@login_required
@require_POST
def entry_extension(request, entry_id):
    until = parse_datetime(request.POST.get("until", "") or "")
    if until is not None and until.tzinfo is None:
        until = timezone.make_aware(until)

    def grant(e):
        if until is None:
            raise ValidationFailed(_("Enter the new deadline as a date and time."))
        services.entry_extension_grant(
            user=request.user, entry=e, until=until, reason=request.POST.get("reason", "")
        )

    return _run(request, entry_id, grant, _("Extension granted and recorded."))


@login_required
@require_POST
def entry_member_invite(request, entry_id, member_id):
    return _run(
        request,
        entry_id,
        lambda e: member_invite(user=request.user, entry=e, member_id=member_id),
        _("The invitation is sent again. The previous link no longer works."),
    )


def team_confirm(request, token):
    """A member confirms they are on a team, from the emailed link: no account needed (the
    link is the proof of the address); signed in or not, the same. A link that is no longer
    valid says why; a forged one is 404."""
    try:
        invitation = member_invitation_get(token=token)
    except InvitationInvalid as error:
        return render(
            request, "submissions/team_confirm.html", {"problem": error_text(error)}, status=400
        )
    problem = None
    if request.method == "POST":
        try:
            member_confirm(
                token=token, consent=request.POST.get("consent") == "on", user=request.user
            )
        except NotFound:
            raise
        except DomainError as error:
            problem = error_text(error)
        else:
            messages.success(request, _("Thank you: you are on the team."))
            return redirect("team-confirm", token=token)
    return render(
        request,
        "submissions/team_confirm.html",
        {"invitation": invitation, "problem": problem, "token": token},
        status=400 if problem else 200,
    )


@login_required
def verify(request):
    """Guardians prove control of their email address with a one-time code (the rules are
    ``submissions.services.verification``'s; a refusal is a message, 429 with ``Retry-After``
    when too many codes were asked for)."""
    next_url = _safe(request, request.POST.get("next") or request.GET.get("next") or "")
    next_url = next_url or reverse("my-entries")  # never send anyone elsewhere
    back = _safe(request, request.POST.get("back", ""))  # the page the forms are on
    status, retry_after = 200, None
    if request.method == "POST":
        try:
            if "send" in request.POST:
                sent = guardian_code_send(user=request.user)
                messages.info(
                    request, _("We sent a 6-digit code to %(email)s.") % {"email": sent.destination}
                )
                return redirect(back or f"{reverse('verify')}?{urlencode({'next': next_url})}")
            guardian_code_verify(user=request.user, code=request.POST.get("code", ""))
            messages.success(request, _("Verified. Thank you."))
            return redirect(next_url)
        except TooManyCodes as error:
            messages.error(request, error_text(error))
            status, retry_after = error.status, error.retry_after
        except DomainError as error:
            messages.error(request, error_text(error))
            if back:  # the form the guardian came from shows the message
                return redirect(back)
    response = render(
        request,
        "submissions/verify.html",
        {
            "verified_at": guardian_verified_at(request.user),
            "next": next_url,
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _safe(request, url: str) -> str:
    """``url`` if it is a page of this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


ENTRY_FILTERS = ("division", "status", "screening", "duplicate")  # entries_filter keywords


@login_required
def organizer_entries(request, slug):
    """The contest's entries: counts in words, filters, and screening several at once."""
    contest = contest_managed_get(request.user, slug)
    if request.method == "POST" and request.POST.get("action") == "screen":
        return _screen_many(request, contest)
    filters = {k: request.GET.get(k, "") for k in ENTRY_FILTERS}
    qs = entries_filter(entries_visible_to(request.user, contest), **filters, user=request.user)
    entries = list(
        entries_with_details(qs)
        .annotate(possible_duplicate=possible_duplicate())
        .order_by("-created_at")[:LIST_LIMIT]
    )
    return render(
        request,
        "submissions/organizer_entries.html",
        {
            "contest": contest,
            "entries": entries,
            "matched": qs.count() if len(entries) == LIST_LIMIT else len(entries),
            "limit": LIST_LIMIT,
            "counts": counts_table(contest),
            "divisions": contest.divisions.all(),
            "statuses": EntryStatus.choices,
            "screenings": screening_choices(),
            "screenable": SCREENABLE,
            "filters": filters,
            "filtered": any(filters.values()),
            "screening_open": phase_allows(contest, Action.ENTRY_SCREEN)
            and any(e.status in SCREENABLE for e in entries),
            "phase": contest_phase(contest),
        },
    )


def _screen_many(request, contest):
    back = request.get_full_path()
    try:
        report = entries_screen(
            user=request.user,
            contest=contest,
            entry_ids=request.POST.getlist("entry"),
            eligible=request.POST.get("eligible") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        messages.error(request, error_text(error))
        return redirect(back)
    text = _("Screening saved for %(n)d entries.") % {"n": len(report.screened)}
    if report.skipped:
        text += " " + _("Not screened (already being judged, or not submitted): %(list)s") % {
            "list": ", ".join(report.skipped)
        }
    messages.success(request, text)
    return redirect(back)


@login_required
def entry_file(request, entry_id, file_id):
    """Open an original through a short-lived signed URL (owner and organizers only);
    ``?size=thumbnail``: an image's thumbnail (re-encoded, ≤ 400 px)."""
    entry = entry_get_visible(request.user, entry_id)
    if request.GET.get("size") == "thumbnail":  # the entry page's picture of an image
        url, _seconds = file_thumbnail_url(user=request.user, entry=entry, file_id=file_id)
    else:
        url, _seconds = file_url(user=request.user, entry=entry, file_id=file_id)
    return redirect(url)


@login_required
@require_GET
def entry_receipt(request, entry_id):
    """The receipt of a submitted entry as a page to print or keep (its owner)."""
    entry = entry_get_visible(request.user, entry_id)
    if entry.owner_id != request.user.pk or not entry.receipt_number:
        raise Http404
    return render(
        request,
        "submissions/receipt.html",
        {"entry": entry, "files": list(entry.stored_files)},
    )


def _recipient(user, contest, data) -> Entry | None:
    """The entry a message goes to (its id from the entry's page, or a receipt number), or
    None for every entrant."""
    if data.get("entry"):
        return entry_get_visible(user, data["entry"])
    receipt = (data.get("receipt") or "").strip()
    return entry_by_receipt(user, contest, receipt, field="receipt") if receipt else None


@login_required
def organizer_messages(request, slug):
    """Messages to the contest's entrants: to everyone, or to one entry (by receipt number,
    or from the entry's page); the list of what was sent. Mailed and shown on entry pages."""
    contest = contest_managed_get(request.user, slug)
    form = EntrantMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = None
        back = request.POST.get("back", "")
        try:
            entry = _recipient(request.user, contest, form.cleaned_data)
            message = entrant_message_send(
                user=request.user,
                contest=contest,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                entry=entry,
            )
        except NotFound:
            raise
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Message sent by email to %(n)d address and shown on the entry page.",
                    "Message sent by email to %(n)d addresses and shown on the entry pages.",
                    message.recipients,
                )
                % {"n": message.recipients},
            )
            if entry is not None and back == "entry":
                return redirect("entry-detail", entry_id=entry.pk)
            return redirect("organizer-messages", slug=contest.slug)
    return render(
        request,
        "submissions/organizer_messages.html",
        {
            "contest": contest,
            "form": form,
            "sent": contest_messages(user=request.user, contest=contest)[:MESSAGE_LIST_LIMIT],
        },
    )
