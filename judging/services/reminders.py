"""Reminders to judges who still owe scorecards: before a round's judging deadline (run by a
scheduler: ``manage.py send_judge_reminders``), or when an organizer asks from the round page
or the season's checklist. At most one a day per judge and round, whoever sends it; every one
is audited. Who owes what is ``judging.progress`` (the same count the ranking's refusal and
the checklist give)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contests.models import Round
from contests.permissions import organizer_required
from contests.phases import Action, kst, phase_require
from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import AuditRecord
from judging.models import PanelMember
from judging.progress import rounds_owed

QUIET = timedelta(hours=20)  # at most one reminder a day per judge and round


@dataclass(frozen=True)
class Reminded:
    judge: str  # the judge's name
    username: str
    round: str  # the round's code
    left: int


def _recent(rnd: Round, now) -> set[str]:
    """Panel places reminded within the quiet period."""
    return set(
        AuditRecord.objects.filter(
            action="judging.reminder",
            contest=rnd.contest,
            created_at__gt=now - QUIET,
            after__round=rnd.code,
        ).values_list("target_id", flat=True)
    )


def _remind(rnd: Round, *, actor, dry_run: bool, now) -> list[Reminded]:
    owed = {j.judge_id: j for j in rounds_owed([rnd.pk]).get(rnd.pk, [])}
    recent = _recent(rnd, now)
    sent = []
    for member in PanelMember.objects.filter(round=rnd).select_related("judge"):
        owes = owed.get(member.judge_id)
        left = owes.outstanding if owes else 0
        if left <= 0 or str(member.pk) in recent:
            continue
        sent.append(
            Reminded(
                member.judge.name or member.judge.username, member.judge.username, rnd.code, left
            )
        )
        if dry_run:
            continue
        with translation.override("ko"):
            closes = rnd.judging_closes_at
            subject = (
                _("[gongmo] %(n)d scorecards left before %(when)s")
                % {"n": left, "when": timezone.localtime(closes).strftime("%m-%d %H:%M")}
                if closes
                else _("[gongmo] %(n)d scorecards left") % {"n": left}
            )
            body = _(
                "%(round)s of %(contest)s closes at %(when)s (KST). You have %(n)d "
                "entries left to score: %(link)s"
            ) % {
                "round": rnd.name,
                "contest": rnd.contest.title,
                "n": left,
                "when": kst(closes) if closes else "—",
                "link": settings.SITE_URL + reverse("judge-queue"),
            }
        send_mail(subject, body, None, [member.judge.email])
        audit_record(
            actor=actor,
            action="judging.reminder",
            target=member,
            contest=rnd.contest,
            after={"round": rnd.code, "left": left},
        )
    return sent


def reminders_send(*, within: timedelta, dry_run: bool = False) -> list[tuple[str, str, int]]:
    """The scheduler's run: every round closing within ``within``; (username, round, left)."""
    now = timezone.now()
    rounds = Round.objects.filter(
        judging_closes_at__gt=now, judging_closes_at__lte=now + within
    ).select_related("contest")
    sent = []
    for rnd in rounds:
        sent += _remind(rnd, actor=None, dry_run=dry_run, now=now)
    return [(r.username, r.round, r.left) for r in sent]


@transaction.atomic
def round_reminders_send(*, user, round: Round) -> list[Reminded]:
    """An organizer reminds the round's judges who owe scorecards (not those reminded within
    the day). Refused when nobody can be reminded, saying why."""
    rnd = Round.objects.select_related("contest").get(pk=round.pk)
    organizer_required(user, rnd.contest)
    phase_require(rnd.contest, Action.REMIND, round=rnd)
    sent = _remind(rnd, actor=user, dry_run=False, now=timezone.now())
    if not sent:
        owed = [j for j in rounds_owed([rnd.pk]).get(rnd.pk, []) if j.outstanding]
        raise ValidationFailed(
            _("Every judge of this round was reminded within the last day.")
            if owed
            else _("No judge of this round owes a scorecard."),
            code="nobody_to_remind",
        )
    return sent
