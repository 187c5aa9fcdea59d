"""Messages from a contest's organizers to its entrants (issue 19: "as Award Force and
Submittable do"): to one entry's entrant, or to every entrant of the contest. Each is
recorded (audit), mailed after commit to the entrant and the team's members, and shown on
the entry page (``entry_messages``)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.permissions import organizer_required
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from core.tasks import run_after_commit
from submissions.enums import EntryStatus
from submissions.models import EntrantMessage, Entry
from submissions.text import text_clean

SUBJECT_MAX = 200
BODY_MAX = 5000


def _addresses(entry: Entry) -> list[str]:
    """The entrant's address and, for a team, every active member's (their own copies)."""
    found = [entry.owner.email]
    found += [m.email for m in entry.members.all() if m.active]
    return list(dict.fromkeys(a.lower() for a in found if a))


def _recipients(message: EntrantMessage) -> list[Entry]:
    if message.entry_id is not None:
        return [message.entry]
    return list(
        Entry.objects.filter(contest_id=message.contest_id)
        .exclude(status=EntryStatus.WITHDRAWN)
        .select_related("owner")
        .prefetch_related("members")
    )


@transaction.atomic
def entrant_message_send(
    *, user, contest: Contest, subject: str, body: str, entry: Entry | None = None
) -> EntrantMessage:
    """Send a message to one entry's entrant (``entry``) or to every entrant of ``contest``
    (withdrawn entries excepted)."""
    organizer_required(user, contest)
    if entry is not None and entry.contest_id != contest.pk:
        raise NotFound()
    subject = text_clean(subject or "")
    body = text_clean(body or "", multiline=True)
    errors: dict = {}
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = [_("At most %(n)d characters.") % {"n": SUBJECT_MAX}]
    if not body:
        errors["body"] = [_("Write the message.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("At most %(n)d characters.") % {"n": BODY_MAX}]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), detail=errors)
    message = EntrantMessage.objects.create(
        contest=contest, entry=entry, subject=subject, body=body, sender=user
    )
    entries = _recipients(message)
    message.recipients = len({a for e in entries for a in _addresses(e)})
    message.save(update_fields=["recipients"])
    audit_record(
        actor=user,
        action="message.send",
        target=message,
        contest=contest,
        after={
            "to": str(entry.pk) if entry is not None else "all",
            "subject": subject,
            "recipients": message.recipients,
        },
    )
    run_after_commit("submissions.services.messages.entrant_message_mail", message_id=message.pk)
    return message


def entrant_message_mail(*, message_id: int) -> None:
    """One email per entry (its entrant and the team's members), in Korean with the contest's
    title; a link to the entry page is in it."""
    message = EntrantMessage.objects.select_related("contest", "entry__owner").get(pk=message_id)
    subject = f"[{message.contest.title_ko}] {message.subject}"
    for entry in _recipients(message):
        with translation.override("ko"):
            link = _("Your entry: %(url)s") % {
                "url": settings.SITE_URL + reverse("entry-detail", args=[entry.pk])
            }
        send_mail(subject, f"{message.body}\n\n{link}", None, _addresses(entry))


def entry_messages(entry: Entry) -> QuerySet[EntrantMessage]:
    """The messages an entry's page shows: its own and the contest's to everyone."""
    return EntrantMessage.objects.filter(
        Q(entry=entry) | Q(entry__isnull=True, contest_id=entry.contest_id)
    ).order_by("-sent_at", "-pk")


def contest_messages(*, user, contest: Contest) -> QuerySet[EntrantMessage]:
    """The messages sent in a contest, for its organizers."""
    organizer_required(user, contest)
    return (
        EntrantMessage.objects.filter(contest=contest)
        .select_related("entry", "sender")
        .order_by("-sent_at", "-pk")
    )
