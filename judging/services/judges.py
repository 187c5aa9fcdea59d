"""Creating judges one by one or from an organizer's CSV/XLSX table, and inviting them."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from accounts.services import email_taken, staff_user_create
from contests.models import Contest
from contests.permissions import organizer_required
from contests.phases import Action, phase_require
from core.audit import audit_record
from core.errors import ValidationFailed
from core.tabular import TabularError, integers, read_table
from judging.models import PanelMember
from judging.services.panel import judge_profile_set

COLUMNS = ("username", "name", "email")
OPTIONAL = ("affiliation", "expertise", "max_load", "rounds")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    panel_places: int = 0


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


def invitation_send(*, judge: User) -> None:
    """Email a link where the judge sets their own password (no password travels by mail)."""
    uid = urlsafe_base64_encode(force_bytes(judge.pk))
    token = default_token_generator.make_token(judge)
    link = settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])
    send_mail(
        _("[gongmo] You are invited to judge"),
        _(
            "Hello %(name)s,\n\nYou were added as a judge. Set your password here:\n%(link)s\n\n"
            "Your user name is %(username)s."
        )
        % {"name": judge.name, "link": link, "username": judge.username},
        None,
        [judge.email],
    )


def judges_import(*, user, contest: Contest, path: str | Path) -> ImportReport:
    """All or nothing: every row is checked first; a bad row names its row and column."""
    organizer_required(user, contest)
    phase_require(contest, Action.PANEL_EDIT)
    try:
        table = read_table(path, required=COLUMNS, optional=OPTIONAL)
        loads = (
            integers(table, "max_load", path=path, minimum=1, blank=True)
            if "max_load" in table
            else None
        )
    except TabularError as exc:
        raise ValidationFailed(
            str(exc), code="invalid_table", detail={"row": exc.row, "column": exc.column}
        ) from exc
    rounds = {r.code: r for r in contest.rounds.all()}
    problems = []
    for row, rec in table.iterrows():
        for code in _split(rec.get("rounds", "")):
            if code not in rounds:
                problems.append(f"row {row}: no round '{code}' in this contest")
        try:
            validate_email(rec["email"])
        except DjangoValidationError:
            problems.append(f"row {row}: '{rec['email']}' is not an email address")
        if email_taken(rec["email"], except_username=rec["username"]):  # one account per address
            problems.append(f"row {row}: '{rec['email']}' belongs to another account")
        existing = User.objects.filter(username=rec["username"]).first()
        if existing is not None and existing.role != Role.JUDGE:
            problems.append(f"row {row}: '{rec['username']}' is not a judge account")
    if problems:
        raise ValidationFailed(
            _("The table has problems; nothing was imported."),
            code="invalid_table",
            detail={"rows": problems},
        )
    report = ImportReport()
    with transaction.atomic():
        for i, (_row, rec) in enumerate(table.iterrows()):
            judge = User.objects.filter(username=rec["username"]).first()
            if judge is None:
                judge = staff_user_create(
                    username=rec["username"],
                    password=secrets.token_urlsafe(24),
                    email=rec["email"],
                    name=rec["name"],
                    role=Role.JUDGE,
                    affiliation=rec.get("affiliation", ""),
                )
                report.created.append(judge.username)
                transaction.on_commit(lambda j=judge: invitation_send(judge=j))
            else:
                judge.name, judge.email = rec["name"], rec["email"]
                judge.affiliation = rec.get("affiliation", judge.affiliation)
                judge.save(update_fields=["name", "email", "affiliation"])
                report.updated.append(judge.username)
            judge_profile_set(judge=judge, expertise=_split(rec.get("expertise", "")))
            max_load = None if loads is None or loads[i] is None else int(loads[i])
            for code in _split(rec.get("rounds", "")):
                PanelMember.objects.update_or_create(
                    round=rounds[code], judge=judge, defaults={"max_load": max_load}
                )
                report.panel_places += 1
        audit_record(
            actor=user,
            action="judges.import",
            target=contest,
            contest=contest,
            after={
                "created": report.created,
                "updated": report.updated,
                "panel_places": report.panel_places,
            },
        )
    return report
