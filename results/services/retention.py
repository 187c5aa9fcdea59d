"""When personal data goes (DOMAIN §10 "People"): after the appeal window of a contest's
published results, every entry that won nothing is purged (``submissions.services.retention``
says what that deletes and keeps; here the full names printed on those entries' certificates
go too — the verification page keeps the masked name) and the contest is archived
(``contests.phases``: from then on everything but reading is refused). The window runs from the
contest's first publication (a republication after appeals does not extend it), and the purge
waits while any appeal of the contest is open. Each run that changed something leaves one audit
record per contest; running it again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contests.enums import ContestStatus
from contests.models import Contest
from core.audit import audit_record
from results.models import Certificate, Publication
from results.selectors_after import appeal_window_closes_at, appeals_open_exist
from submissions.services.retention import contest_personal_data_purge


@dataclass
class PurgeReport:
    contests: list[str] = field(default_factory=list)
    entries: int = 0
    files: int = 0
    members: int = 0
    children: int = 0
    certificates: int = 0


def contests_past_appeal_window(now: datetime) -> list[tuple[Contest, Publication]]:
    """Contests with live published results older than their appeal window."""
    due = []
    publications = Publication.objects.live().select_related("contest", "allocation")
    for publication in publications:
        closes = appeal_window_closes_at(publication.contest)
        if closes is not None and closes <= now and not appeals_open_exist(publication.contest):
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
            certificates = Certificate.objects.filter(contest=contest).exclude(
                entry_id__in=_winner_ids(publication)
            )
            certificates = certificates.exclude(recipient_name="")
            counts["certificates"] = certificates.count()
            if not dry_run:
                certificates.update(recipient_name="", data={})
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
        report.certificates += counts["certificates"]
    return report
