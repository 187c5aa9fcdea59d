"""Reminders before a round's judging deadline (run by an organizer or a scheduler)."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contests.models import Round
from core.audit import audit_record
from core.models import AuditRecord
from judging.enums import ScorecardStatus
from judging.models import Assignment, PanelMember, Scorecard

QUIET = timedelta(hours=20)  # at most one reminder a day per judge and round


def reminders_send(*, within: timedelta, dry_run: bool = False) -> list[tuple[str, str, int]]:
    now = timezone.now()
    sent = []
    rounds = Round.objects.filter(
        judging_closes_at__gt=now, judging_closes_at__lte=now + within
    ).select_related("contest")
    for rnd in rounds:
        assigned = dict(
            Assignment.objects.filter(round=rnd, recused_at__isnull=True)
            .values("judge")
            .annotate(n=Count("id"))
            .values_list("judge", "n")
        )
        done = dict(
            Scorecard.objects.filter(round=rnd, status=ScorecardStatus.SUBMITTED)
            .values("judge")
            .annotate(n=Count("id"))
            .values_list("judge", "n")
        )
        recent = set(
            AuditRecord.objects.filter(
                action="judging.reminder",
                contest=rnd.contest,
                created_at__gt=now - QUIET,
                after__round=rnd.code,
            ).values_list("target_id", flat=True)
        )
        for member in PanelMember.objects.filter(round=rnd).select_related("judge"):
            left = assigned.get(member.judge_id, 0) - done.get(member.judge_id, 0)
            if left <= 0 or str(member.pk) in recent:
                continue
            sent.append((member.judge.username, rnd.code, left))
            if dry_run:
                continue
            with translation.override("ko"):
                send_mail(
                    _("[gongmo] %(n)d scorecards left before %(when)s")
                    % {
                        "n": left,
                        "when": timezone.localtime(rnd.judging_closes_at).strftime("%m-%d %H:%M"),
                    },
                    _(
                        "%(round)s of %(contest)s closes at %(when)s (KST). You have %(n)d "
                        "entries left to score: %(link)s"
                    )
                    % {
                        "round": rnd.name,
                        "contest": rnd.contest.title,
                        "n": left,
                        "when": timezone.localtime(rnd.judging_closes_at).strftime(
                            "%Y-%m-%d %H:%M"
                        ),
                        "link": settings.SITE_URL + reverse("judge-queue"),
                    },
                    None,
                    [member.judge.email],
                )
            audit_record(
                actor=None,
                action="judging.reminder",
                target=member,
                contest=rnd.contest,
                after={"round": rnd.code, "left": left},
            )
    return sent
