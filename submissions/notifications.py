"""Mail to entrants. Called after commit through core.tasks; takes ids, re-fetches."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from submissions.models import Entry, TeamMember
from submissions.services.members import INVITATION_MAX_AGE, member_invitation_token


def receipt_email(*, entry_id: str) -> None:
    entry = Entry.objects.select_related("contest", "owner").get(pk=entry_id)
    with translation.override("ko"):
        subject = _("[%(contest)s] Entry received: %(receipt)s") % {
            "contest": entry.contest.title,
            "receipt": entry.receipt_number,
        }
        body = _(
            'Your entry "%(title)s" was received.\n\nReceipt number: %(receipt)s\n'
            "Submitted at: %(when)s (KST)\nSeal (SHA-256 of your files): %(seal)s\n\n"
            'You can edit or withdraw it until the deadline on the "My entries" page.'
        ) % {
            "title": entry.title,
            "receipt": entry.receipt_number,
            "when": timezone.localtime(entry.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            "seal": entry.seal_sha256,
        }
    send_mail(subject, body, None, [entry.owner.email])


def team_invitation_email(*, member_id: int) -> None:
    """The member's invitation: who added them to which team, and the link where they confirm
    (and agree to the processing of their data). Nothing if they confirmed meanwhile."""
    member = (
        TeamMember.objects.select_related("entry__contest")
        .filter(pk=member_id, active=True, confirmed_at__isnull=True, invited_at__isnull=False)
        .first()
    )
    if member is None:
        return
    entry = member.entry
    leader = entry.members.filter(is_leader=True).values_list("name", flat=True).first() or ""
    link = settings.SITE_URL + reverse("team-confirm", args=[member_invitation_token(member)])
    with translation.override("ko"):
        subject = _("[%(contest)s] Confirm that you are on the team %(team)s") % {
            "contest": entry.contest.title,
            "team": entry.team_name,
        }
        body = _(
            'Hello %(name)s,\n\n%(leader)s added you to the team "%(team)s" entering '
            '"%(title)s" in %(contest)s.\n\nYou are on the team only once you confirm it '
            "and agree to the collection and use of your personal data. Open this link "
            "(valid for %(days)d days; no account needed):\n%(link)s\n\nIf you do not know "
            "this team, ignore this email: you are not on it unless you confirm."
        ) % {
            "name": member.name,
            "leader": leader,
            "team": entry.team_name,
            "title": entry.title,
            "contest": entry.contest.title,
            "days": INVITATION_MAX_AGE.days,
            "link": link,
        }
    send_mail(subject, body, None, [member.email])
