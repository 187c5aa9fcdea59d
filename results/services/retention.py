"""When personal data goes (DOMAIN §10 "People"): after the appeal window of a contest's
published results, every entry that won nothing is purged (``submissions.services.retention``
says what that deletes and keeps) and the contest is archived (``contests.phases``: from then
on everything but reading is refused). Each run that changed something leaves one audit record
per contest; running it again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from contests.enums import ContestStatus
from contests.models import Contest
from core.audit import audit_record
from results.models import Publication
from submissions.services.retention import contest_personal_data_purge


@dataclass
class PurgeReport:
    contests: list[str] = field(default_factory=list)
    entries: int = 0
    files: int = 0
    members: int = 0
    children: int = 0


def contests_past_appeal_window(now: datetime) -> list[tuple[Contest, Publication]]:
    """Contests with live published results older than their appeal window."""
    due = []
    publications = Publication.objects.live().select_related("contest", "allocation")
    for publication in publications:
        window = timedelta(days=publication.contest.appeal_window_days)
        if publication.published_at + window <= now:
            due.append((publication.contest, publication))
    return due


def _winner_ids(publication: Publication) -> set[str]:
    return {str(a["entry_id"]) for a in publication.allocation.awards}


def personal_data_purge(
    *, now: datetime | None = None, dry_run: bool = False, actor=None
) -> PurgeReport:
    now = now or timezone.now()
    report = PurgeReport()
    for contest, publication in contests_past_appeal_window(now):
        with transaction.atomic():
            counts = contest_personal_data_purge(
                contest=contest, keep=_winner_ids(publication), dry_run=dry_run
            )
            if not dry_run and any(counts.values()):
                audit_record(
                    actor=actor,
                    action="personal_data.purge",
                    target=contest,
                    contest=contest,
                    after=counts,
                    reason=f"appeal window of {contest.appeal_window_days} days ended",
                )
            if not dry_run and contest.status != ContestStatus.ARCHIVED:
                Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.ARCHIVED)
                audit_record(
                    actor=actor,
                    action="contest.archive",
                    target=contest,
                    contest=contest,
                    before={"status": contest.status},
                    after={"status": ContestStatus.ARCHIVED},
                    reason=f"appeal window of {contest.appeal_window_days} days ended",
                )
        if any(counts.values()):
            report.contests.append(contest.slug)
        report.entries += counts["entries"]
        report.files += counts["files"]
        report.members += counts["members"]
        report.children += counts["children"]
    return report
