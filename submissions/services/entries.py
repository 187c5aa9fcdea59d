"""Creating, editing, submitting and withdrawing entries; organizer screening and extensions."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import Role
from contests.enums import Track
from contests.models import Contest, Division
from contests.permissions import is_contest_organizer
from contests.phases import Action, phase_require
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from core.tasks import run_after_commit
from submissions import limits
from submissions.consents import ALLOWED_BY_TRACK, CONSENT_VERSIONS, REQUIRED_BY_TRACK
from submissions.enums import (
    ENTRANT_EDITABLE,
    INACTIVE_STATUSES,
    SCREENED,
    ConsentKind,
    EntryStatus,
    FileSlot,
    FileStatus,
)
from submissions.errors import (
    AlreadyEntered,
    EntryLocked,
    IncompleteEntry,
    IneligibleAge,
    VerificationRequired,
    WrongRole,
)
from submissions.models import Child, Consent, Entry, ReceiptCounter
from submissions.permissions import (
    entry_deadline_require,
    entry_withdrawable,
    is_entry_owner,
)
from submissions.services.files import entry_files_delete
from submissions.services.members import MemberInput, members_set
from submissions.services.seal import entry_seal_compute
from submissions.services.verification import guardian_verified_at
from submissions.text import child_identity_key, text_clean


@dataclass
class ChildInput:
    name: str
    birth_date: date
    school: str = ""
    grade: str = ""
    relationship: str = ""


@dataclass
class EntryInput:
    """What an entrant sends; fields of the other track are ignored."""

    title: str = ""
    description: str = ""
    team_name: str = ""
    theme: str = ""
    video_url: str = ""
    members: list[MemberInput] | None = None
    child: ChildInput | None = None
    consents: dict[str, bool] = field(default_factory=dict)


# ---- validation ---------------------------------------------------------------------------


def _require_text(
    errors: dict, name: str, value: str, max_len: int, *, required=True, multiline=False
) -> str:
    """Every text an entrant types, cleaned the one way (``submissions.text.text_clean``: NFC,
    no bidi controls, invisible or control characters), then checked."""
    value = text_clean(value, multiline=multiline)
    if required and not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > max_len:
        errors[name] = [_("At most %(n)d characters.") % {"n": max_len}]
    return value


def _validate_members(members: list[MemberInput] | None, errors: dict) -> list[MemberInput]:
    members = members or []
    low, high = limits.TEAM_SIZE
    if not low <= len(members) <= high:
        errors["members"] = [_("A team has a leader and 1 to 4 members (2 to 5 people).")]
        return members
    if sum(1 for m in members if m.is_leader) != 1:
        errors["members"] = [_("Mark exactly one member as the team leader.")]
    seen: set[str] = set()
    for i, m in enumerate(members):
        member_errors: dict = {}
        m.name = _require_text(member_errors, "name", m.name, limits.PERSON_NAME)
        m.university = _require_text(member_errors, "university", m.university, limits.UNIVERSITY)
        m.department = _require_text(member_errors, "department", m.department, limits.DEPARTMENT)
        m.phone = _require_text(member_errors, "phone", m.phone, limits.PHONE)
        m.email = text_clean(m.email).lower()
        try:
            validate_email(m.email)
        except DjangoValidationError:
            member_errors["email"] = [_("Enter a valid email address.")]
        if len(m.email) > limits.EMAIL:
            member_errors["email"] = [_("At most %(n)d characters.") % {"n": limits.EMAIL}]
        if m.email in seen:
            member_errors["email"] = [_("Each member needs their own email address.")]
        seen.add(m.email)
        if member_errors:
            errors.setdefault("member_errors", {})[str(i)] = member_errors
    return members


def division_for_birth_date(contest: Contest, birth_date: date) -> Division:
    """Track D age division from the birth year (DOMAIN §2); outside every division: refused."""
    divisions = [d for d in contest.divisions.all() if d.birth_year_min is not None]
    for division in divisions:
        if division.birth_year_min <= birth_date.year <= division.birth_year_max:
            return division
    years = ", ".join(
        f"{d.birth_year_min}–{d.birth_year_max} ({d.name})"
        for d in sorted(divisions, key=lambda d: -d.birth_year_max)
    )
    raise IneligibleAge(
        detail={
            "birth_date": [
                _(
                    "Children born in %(year)d cannot enter. This contest takes children "
                    "born in %(years)s."
                )
                % {"year": birth_date.year, "years": years}
            ]
        }
    )


def _validate(
    contest: Contest, data: EntryInput, *, creating: bool
) -> tuple[dict, Division | None]:
    errors: dict = {}
    division = None
    unknown = set(data.consents) - set(ALLOWED_BY_TRACK[contest.track])
    if unknown:
        errors["consents"] = [_("Unknown consent: %(k)s") % {"k": ", ".join(sorted(unknown))}]
    if contest.track == Track.SMART_CITY:
        data.team_name = _require_text(errors, "team_name", data.team_name, limits.TEAM_NAME)
        data.title = _require_text(errors, "title", data.title, limits.PROJECT_TITLE)
        data.description = _require_text(
            errors, "abstract", data.description, limits.ABSTRACT, required=False, multiline=True
        )
        data.members = _validate_members(data.members, errors)
        division = contest.divisions.filter(code=data.theme).first()
        if division is None:
            errors["theme"] = [_("Choose one of the contest's themes.")]
    else:
        data.title = _require_text(errors, "title", data.title, limits.DRAWING_TITLE)
        data.description = _require_text(
            errors,
            "description",
            data.description,
            limits.DRAWING_DESCRIPTION,
            required=False,
            multiline=True,
        )
        if creating:
            child = data.child
            if child is None:
                errors["child"] = [_("Tell us about the child.")]
            else:
                child_errors: dict = {}
                child.name = _require_text(child_errors, "name", child.name, limits.PERSON_NAME)
                child.school = _require_text(
                    child_errors, "school", child.school, limits.SCHOOL, required=False
                )
                child.grade = _require_text(
                    child_errors, "grade", child.grade, limits.GRADE, required=False
                )
                child.relationship = _require_text(
                    child_errors,
                    "relationship",
                    child.relationship,
                    limits.RELATIONSHIP,
                    required=False,
                )
                if child_errors:
                    errors["child"] = child_errors
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), detail=errors)
    if contest.track == Track.DRAWING and creating:
        division = division_for_birth_date(contest, data.child.birth_date)
    return errors, division


# ---- helpers ------------------------------------------------------------------------------


def _check_open(entry: Entry) -> None:
    entry_deadline_require(entry, Action.ENTRY_EDIT)
    if entry.status not in ENTRANT_EDITABLE:
        raise EntryLocked()


def _set_consents(entry: Entry, consents: dict[str, bool], user) -> None:
    now = timezone.now()
    verified = guardian_verified_at(user) if entry.contest.track == Track.DRAWING else None
    for kind, given in consents.items():
        if not given:  # withdrawing a consent removes its evidence row
            entry.consents.filter(kind=kind).delete()
            continue
        if entry.consents.filter(kind=kind).exists():
            continue
        Consent.objects.create(
            entry=entry,
            kind=kind,
            text_version=CONSENT_VERSIONS[kind],
            given_by=user,
            given_at=now,
            verification_method="email" if kind == ConsentKind.GUARDIAN and verified else "",
            verified_at=verified if kind == ConsentKind.GUARDIAN else None,
        )


def _held_entry_of_child(
    *, contest: Contest, owner, identity_key: str, exclude: Entry | None = None
) -> Entry | None:
    """The guardian's entry of this contest holding the child's place (submitted or further,
    not withdrawn), whichever of the guardian's rows names the child."""
    qs = Entry.objects.filter(
        contest=contest, owner=owner, child__identity_key=identity_key
    ).exclude(status__in=INACTIVE_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("submitted_at", "pk").first()


# ---- entrant services ---------------------------------------------------------------------


@transaction.atomic
def entry_create(*, user, contest: Contest, data: EntryInput) -> Entry:
    expected_role = Role.STUDENT if contest.track == Track.SMART_CITY else Role.GUARDIAN
    if user.role != expected_role:
        raise WrongRole()
    phase_require(contest, Action.ENTRY_CREATE)
    _errors, division = _validate(contest, data, creating=True)
    child = None
    if contest.track == Track.DRAWING:
        c = data.child
        key = child_identity_key(c.name, c.birth_date)
        held = _held_entry_of_child(contest=contest, owner=user, identity_key=key)
        if held is not None:
            raise AlreadyEntered(detail={"entry_id": str(held.pk)})
        child, _created = Child.objects.get_or_create(
            guardian=user,
            identity_key=key,
            duplicate_of=None,
            defaults={
                "name": c.name,
                "birth_date": c.birth_date,
                "school": c.school,
                "grade": c.grade,
                "relationship": c.relationship,
            },
        )
    entry = Entry.objects.create(
        contest=contest,
        owner=user,
        division=division,
        title=data.title,
        description=data.description,
        team_name=data.team_name,
        child=child,
        video_url=data.video_url,
    )
    if contest.track == Track.SMART_CITY:
        members_set(entry=entry, members=data.members, owner=user)
    _set_consents(entry, data.consents, user)
    return entry


@transaction.atomic
def entry_update(*, user, entry: Entry, data: EntryInput, fields: set[str]) -> Entry:
    """Change the given fields of one's entry, until the deadline (also after submitting)."""
    if fields == {"consents"} and data.consents and not any(data.consents.values()):
        return consent_withdraw(user=user, entry=entry, kinds=sorted(data.consents))
    entry = Entry.objects.select_for_update().select_related("contest").get(pk=entry.pk)
    if not is_entry_owner(user, entry):
        raise NotFound()
    _check_open(entry)
    contest = entry.contest
    current = EntryInput(
        title=entry.title,
        description=entry.description,
        team_name=entry.team_name,
        theme=entry.division.code,
        video_url=entry.video_url,
        members=[
            MemberInput(
                m.name, m.university, m.department, m.email, m.phone, m.is_leader, m.is_student
            )
            for m in entry.members.all()
        ],
    )
    for name in fields - {"consents", "child"}:
        setattr(current, name, getattr(data, name))
    _errors, division = _validate(contest, current, creating=False)
    entry.title, entry.description = current.title, current.description
    entry.team_name, entry.video_url = current.team_name, current.video_url
    if contest.track == Track.SMART_CITY:
        entry.division = division
    entry.save(
        update_fields=["title", "description", "team_name", "video_url", "division", "updated_at"]
    )
    if "members" in fields and contest.track == Track.SMART_CITY:
        members_set(entry=entry, members=current.members, owner=user)
    if "consents" in fields:
        _set_consents(entry, data.consents, user)
    return entry


@transaction.atomic
def consent_withdraw(*, user, entry: Entry, kinds: list[str]) -> Entry:
    """Withdraw consents, at any time (also after the deadline and during judging).

    Without the guardian's consent a drawing leaves every judge's queue at once and its files'
    URLs are no longer issued (``submissions.selectors.judging_allowed_q``). The withdrawal is
    audited; the evidence row of the consent is removed, as for a withdrawal before submitting.
    """
    entry = Entry.objects.select_for_update().select_related("contest").get(pk=entry.pk)
    if not is_entry_owner(user, entry):
        raise NotFound()
    unknown = [k for k in kinds if k not in ConsentKind.values]
    if unknown:
        raise ValidationFailed(detail={"consents": unknown})
    withdrawn = sorted(entry.consents.filter(kind__in=kinds).values_list("kind", flat=True))
    if withdrawn:
        entry.consents.filter(kind__in=withdrawn).delete()
        audit_record(
            actor=user,
            action="consent.withdraw",
            target=entry,
            contest=entry.contest,
            before={"consents": withdrawn},
            after={"consents": []},
        )
    return entry


def entry_missing(entry: Entry) -> dict:
    """What the entry still lacks before it can be submitted: ``{files, consents, abstract,
    members}`` (codes for clients; the entry page's checklist says it in words)."""
    missing: dict = {}
    stored = set(entry.files.exclude(status=FileStatus.PENDING).values_list("slot", flat=True))
    required_file = (
        FileSlot.PROPOSAL if entry.contest.track == Track.SMART_CITY else FileSlot.DRAWING
    )
    if required_file not in stored:
        missing["files"] = [required_file.value]
    given = set(entry.consents.values_list("kind", flat=True))
    lacking = [k.value for k in REQUIRED_BY_TRACK[entry.contest.track] if k not in given]
    if lacking:
        missing["consents"] = lacking
    if entry.contest.track == Track.SMART_CITY and not entry.description.strip():
        missing["abstract"] = [_("Write an abstract of at most 1,000 characters.")]
    waiting = list(
        entry.members.filter(active=True, confirmed_at__isnull=True).values_list("name", flat=True)
    )
    if waiting:  # every member confirms before the entry is submitted (DOMAIN §3)
        missing["members"] = [
            ngettext(
                "%(n)d team member has not confirmed yet (%(names)s)",
                "%(n)d team members have not confirmed yet (%(names)s)",
                len(waiting),
            )
            % {"n": len(waiting), "names": ", ".join(waiting)}
        ]
    return missing


def _missing_text(missing: dict) -> str:
    """What is missing in words (the detail's codes are for clients)."""
    words = [str(FileSlot(s).label) for s in missing.get("files", [])]
    words += [str(ConsentKind(k).label) for k in missing.get("consents", [])]
    text = str(IncompleteEntry.default_message)
    if not words:
        return text
    return text + " " + _("Missing: %(what)s.") % {"what": ", ".join(words)}


def blind_code_new(track: str) -> str:
    """A random code judges see instead of the receipt number (which leaks entry order)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return f"{track}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _issue_receipt_number(contest: Contest) -> str:
    ReceiptCounter.objects.get_or_create(contest=contest)
    counter = ReceiptCounter.objects.select_for_update().get(contest=contest)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{contest.receipt_prefix}-{counter.last:0{contest.receipt_digits}d}"


@transaction.atomic
def entry_submit(*, user, entry: Entry, now: datetime | None = None) -> Entry:
    entry = Entry.objects.select_for_update().select_related("contest").get(pk=entry.pk)
    if not is_entry_owner(user, entry):
        raise NotFound()
    if entry.status in (EntryStatus.SUBMITTED, *SCREENED):
        return entry  # a double click is not an error
    entry_deadline_require(entry, Action.ENTRY_SUBMIT, now=now)
    if entry.status != EntryStatus.DRAFT:
        raise EntryLocked()
    missing = entry_missing(entry)
    if missing:
        raise IncompleteEntry(_missing_text(missing), detail=missing)
    if entry.contest.track == Track.DRAWING:
        consent = entry.consents.get(kind=ConsentKind.GUARDIAN)
        if consent.verified_at is None:
            verified = guardian_verified_at(user)
            if verified is None:
                raise VerificationRequired()
            consent.verified_at, consent.verification_method = verified, "email"
            consent.save(update_fields=["verified_at", "verification_method"])
    if entry.child_id is not None:  # one drawing per child, however the name was typed
        held = _held_entry_of_child(
            contest=entry.contest,
            owner=entry.owner_id,
            identity_key=entry.child.identity_key,
            exclude=entry,
        )
        if held is not None:
            raise AlreadyEntered(detail={"entry_id": str(held.pk)})
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    try:
        with transaction.atomic():
            entry.save(update_fields=["status", "submitted_at", "updated_at"])
    except IntegrityError as exc:  # the database's one-drawing-per-child index: a race lost
        held = Entry.objects.filter(contest=entry.contest, child_id=entry.child_id).exclude(
            status__in=INACTIVE_STATUSES
        )
        winner = held.exclude(pk=entry.pk).values_list("pk", flat=True).first()
        raise AlreadyEntered(detail={"entry_id": str(winner)} if winner else None) from exc
    if not entry.receipt_number:
        entry.receipt_number = _issue_receipt_number(entry.contest)
    if not entry.blind_code:
        entry.blind_code = blind_code_new(entry.contest.track)
    entry.seal_sha256 = entry_seal_compute(entry)
    entry.save(update_fields=["receipt_number", "blind_code", "seal_sha256"])
    audit_record(
        actor=user,
        action="entry.submit",
        target=entry,
        contest=entry.contest,
        after={"receipt_number": entry.receipt_number, "seal": entry.seal_sha256},
    )
    run_after_commit("submissions.notifications.receipt_email", entry_id=str(entry.pk))
    return entry


@transaction.atomic
def entry_withdraw(*, user, entry: Entry) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if not is_entry_owner(user, entry):
        raise NotFound()
    if entry.status == EntryStatus.WITHDRAWN:
        return entry
    entry_deadline_require(entry, Action.ENTRY_WITHDRAW)
    if not entry_withdrawable(entry):
        raise EntryLocked(_("Judging has started; the entry can no longer be withdrawn."))
    before = entry.status
    entry.status = EntryStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    entry.members.update(active=False)  # members may join another team
    entry_files_delete(entry=entry)  # nothing of a withdrawn entry stays in storage
    audit_record(
        actor=user,
        action="entry.withdraw",
        target=entry,
        contest=entry.contest,
        before={"status": before},
        after={"status": entry.status},
    )
    return entry


# ---- organizer services -------------------------------------------------------------------


def _organizer_entry(user, entry: Entry) -> Entry:
    if not is_contest_organizer(user, entry.contest):
        raise NotFound()
    return entry


@transaction.atomic
def entry_screen(*, user, entry: Entry, eligible: bool, reason: str = "") -> Entry:
    """Eligibility screening: eligible, or ineligible with a reason the entrant will read."""
    entry = _organizer_entry(user, Entry.objects.select_for_update().get(pk=entry.pk))
    phase_require(entry.contest, Action.ENTRY_SCREEN)
    if entry.status not in (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE):
        raise EntryLocked(_("Only submitted entries can be screened."))
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ValidationFailed(detail={"reason": [_("Give the reason for ineligibility.")]})
    before = {"status": entry.status, "reason": entry.eligibility_reason}
    entry.status = EntryStatus.ELIGIBLE if eligible else EntryStatus.INELIGIBLE
    entry.eligibility_reason = "" if eligible else reason
    entry.save(update_fields=["status", "eligibility_reason", "updated_at"])
    audit_record(
        actor=user,
        action="entry.screen",
        target=entry,
        contest=entry.contest,
        before=before,
        after={"status": entry.status, "reason": entry.eligibility_reason},
        reason=reason,
    )
    return entry


@transaction.atomic
def entry_extension_grant(*, user, entry: Entry, until: datetime, reason: str) -> Entry:
    """One entrant gets more time (e.g. after a documented technical failure); recorded."""
    entry = _organizer_entry(user, Entry.objects.select_for_update().get(pk=entry.pk))
    phase_require(entry.contest, Action.EXTENSION_GRANT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(detail={"reason": [_("Record why the extension is granted.")]})
    if until <= entry.contest.closes_at:
        raise ValidationFailed(
            detail={"until": [_("The extension must end after the contest's deadline.")]}
        )
    before = entry.extension_until.isoformat() if entry.extension_until else None
    entry.extension_until = until
    entry.save(update_fields=["extension_until", "updated_at"])
    audit_record(
        actor=user,
        action="entry.extension",
        target=entry,
        contest=entry.contest,
        before={"extension_until": before},
        after={"extension_until": until.isoformat()},
        reason=reason,
    )
    return entry
