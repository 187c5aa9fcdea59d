"""Team members confirm their membership themselves (DOMAIN §3; issue 13, item 7).

Typing a person's email into a team form locks nobody out: a member counts (and is held to
one team per contest by the database) only once they confirm, through a link mailed to that
address, giving their own consent to the processing of their personal data. The evidence is
on the member's row: which text version, when. The leader, the account that owns the entry,
is confirmed by creating it when the leader's row names the account's own address (another
address is invited like any member). An entry is submitted only when every member confirmed.

The invitation link is signed for this one purpose (its own salt), names the member, their
address and the time of the latest invitation (a re-sent invitation replaces the previous
link), and expires after ``INVITATION_MAX_AGE``. It works without an account. A refusal never
says who is on which team: a person already on another team learns only that about themself.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import NotFound, Throttled, ValidationFailed
from core.tasks import run_after_commit
from submissions.consents import CONSENT_TEXTS, CONSENT_VERSIONS
from submissions.enums import ConsentKind, EntryStatus
from submissions.errors import AlreadyOnTeam
from submissions.models import Entry, TeamMember
from submissions.permissions import is_entry_owner

INVITATION_SALT = "gongmo.submissions.team-invitation"
INVITATION_MAX_AGE = timedelta(days=7)
INVITATION_INTERVAL = timedelta(minutes=10)  # at most one invitation per member this often


class TooManyInvitations(Throttled):
    code = "too_many_invitations"

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        at = timezone.localtime(timezone.now() + timedelta(seconds=retry_after))
        super().__init__(
            _(
                "An invitation was sent to this member a moment ago. You can send another at "
                "%(time)s (KST)."
            )
            % {"time": at.strftime("%H:%M")},
            detail={"retry_after_seconds": retry_after},
        )


class InvitationInvalid(ValidationFailed):
    """A genuine link that no longer works (expired, replaced, or its team is gone)."""

    code = "invitation_invalid"


@dataclass(frozen=True)
class Invitation:
    """What the confirmation page shows: the team, the project, the person's own data and the
    text they agree to."""

    member: TeamMember
    entry: Entry
    leader_name: str
    privacy_text: str
    privacy_version: str


@dataclass
class MemberInput:
    name: str
    university: str
    department: str
    email: str
    phone: str
    is_leader: bool = False
    is_student: bool = True


# ---- the team ---------------------------------------------------------------------------------


def members_set(*, entry: Entry, members: list[MemberInput], owner) -> None:
    """Make the team these members, keyed by email: a member whose address stays keeps their
    row, and with it their confirmation; a new address is a new, unconfirmed member, invited
    by email. A submitted entry takes no new member: an
    entry is submitted only when every member has confirmed."""
    existing = {m.email: m for m in entry.members.all()}
    wanted = {m.email for m in members}
    added = [m for m in members if m.email not in existing]
    if added and entry.status != EntryStatus.DRAFT:
        raise ValidationFailed(
            detail={
                "members": [
                    _(
                        "A submitted entry takes no new members: they would have to confirm "
                        "first. Change the details of the members it has, or remove some."
                    )
                ]
            }
        )
    entry.members.exclude(email__in=wanted).delete()
    entry.members.update(is_leader=False)  # one leader at a time, whatever moves
    for i, m in enumerate(members):
        row = existing.get(m.email)
        if row is None:
            continue
        row.order, row.name, row.university, row.department = i, m.name, m.university, m.department
        row.phone, row.is_leader, row.is_student = m.phone, m.is_leader, m.is_student
        row.save(
            update_fields=[
                "order",
                "name",
                "university",
                "department",
                "phone",
                "is_leader",
                "is_student",
            ]
        )
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                entry=entry,
                contest=entry.contest,
                order=members.index(m),
                name=m.name,
                university=m.university,
                department=m.department,
                email=m.email,
                phone=m.phone,
                is_leader=m.is_leader,
                is_student=m.is_student,
            )
            for m in added
        ]
    )
    leader_confirm(entry=entry, owner=owner)
    members_invite_new(entry=entry)


# ---- the link -------------------------------------------------------------------------------


def member_invitation_token(member: TeamMember) -> str:
    """The signed link of the member's latest invitation (``invited_at`` must be set)."""
    return signing.dumps(
        {"m": member.pk, "e": member.email, "t": member.invited_at.isoformat()},
        salt=INVITATION_SALT,
    )


def _member_from_token(token: str, *, lock: bool = False) -> TeamMember:
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds()
        )
        member_id, email, sent = int(payload["m"]), str(payload["e"]), str(payload["t"])
    except signing.SignatureExpired as exc:
        raise InvitationInvalid(
            _("This invitation has expired. Ask your team leader to send a new one.")
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise NotFound() from exc
    qs = TeamMember.objects.select_related("entry__contest", "entry__owner")
    if lock:
        qs = qs.select_for_update(of=("self",))
    member = qs.filter(pk=member_id, email=email).first()
    if member is None:
        raise NotFound()  # removed from the team, or the address changed
    if not member.active or member.entry.status == EntryStatus.WITHDRAWN:
        raise InvitationInvalid(_("This team's entry was withdrawn."))
    if member.confirmed_at is None and (
        member.invited_at is None or member.invited_at.isoformat() != sent
    ):
        raise InvitationInvalid(
            _("A newer invitation replaced this link. Use the link in the latest email.")
        )
    return member


def member_invitation_get(*, token: str) -> Invitation:
    """The invitation behind a link, for its page and the API (anyone holding the link)."""
    member = _member_from_token(token)
    leader = next(
        (m for m in member.entry.members.all() if m.is_leader), None
    )  # the team as its leader typed it
    return Invitation(
        member=member,
        entry=member.entry,
        leader_name=leader.name if leader else "",
        privacy_text=str(CONSENT_TEXTS[ConsentKind.PRIVACY]),
        privacy_version=CONSENT_VERSIONS[ConsentKind.PRIVACY],
    )


# ---- confirming -----------------------------------------------------------------------------


def _confirm(member: TeamMember, *, version: str) -> None:
    """Record the confirmation; the database refuses a second confirmed team in a contest."""
    member.confirmed_at = timezone.now()
    member.consent_version = version
    try:
        with transaction.atomic():
            member.save(update_fields=["confirmed_at", "consent_version"])
    except IntegrityError as exc:
        member.confirmed_at, member.consent_version = None, ""
        raise AlreadyOnTeam(
            _(
                "You have already confirmed that you are on another team of this contest. A "
                "person can be on one team per contest."
            )
        ) from exc


@transaction.atomic
def member_confirm(*, token: str, consent: bool, user=None) -> TeamMember:
    """The invited person confirms, agreeing to the privacy text (its version is recorded).
    Confirming again is not an error. ``user``: who is signed in, if anyone (the audit)."""
    member = _member_from_token(token, lock=True)
    if member.confirmed_at is not None:
        return member
    if not consent:
        raise ValidationFailed(
            detail={"consent": [_("Agree to the collection and use of your personal data.")]}
        )
    _confirm(member, version=CONSENT_VERSIONS[ConsentKind.PRIVACY])
    audit_record(
        actor=user,
        action="member.confirm",
        target=member,
        contest=member.contest_id,
        after={"entry": str(member.entry_id), "consent_version": member.consent_version},
    )
    return member


def leader_confirm(*, entry: Entry, owner) -> None:
    """The leader's row naming the owner's own address is confirmed by creating the entry."""
    leader = entry.members.filter(is_leader=True, confirmed_at__isnull=True).first()
    if leader is None or leader.email != (owner.email or "").strip().lower():
        return
    try:
        _confirm(leader, version="")  # the owner's consent is the entry's privacy Consent
    except AlreadyOnTeam as exc:
        raise AlreadyOnTeam(
            _("You are already on another team of this contest. A person can be on one team.")
        ) from exc


# ---- inviting -------------------------------------------------------------------------------


def members_invite_new(*, entry: Entry) -> None:
    """Invite every member of the entry not yet confirmed nor invited (after commit)."""
    now = timezone.now()
    for member in entry.members.filter(confirmed_at__isnull=True, invited_at__isnull=True):
        member.invited_at = now
        member.save(update_fields=["invited_at"])
        run_after_commit("submissions.notifications.team_invitation_email", member_id=member.pk)


@transaction.atomic
def member_invite(*, user, entry: Entry, member_id) -> TeamMember:
    """The leader sends a member's invitation again (a new link; the old one stops working),
    at most once every ``INVITATION_INTERVAL`` per member (429 ``too_many_invitations``)."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if not is_entry_owner(user, entry):
        raise NotFound()
    try:
        member = entry.members.select_for_update().get(pk=int(member_id), active=True)
    except (TeamMember.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if member.confirmed_at is not None:
        raise ValidationFailed(
            _("This member has already confirmed."), code="member_already_confirmed"
        )
    now = timezone.now()
    if member.invited_at is not None and now - member.invited_at < INVITATION_INTERVAL:
        wait = INVITATION_INTERVAL - (now - member.invited_at)
        raise TooManyInvitations(retry_after=max(1, int(wait.total_seconds())))
    member.invited_at = now
    member.save(update_fields=["invited_at"])
    run_after_commit("submissions.notifications.team_invitation_email", member_id=member.pk)
    return member
