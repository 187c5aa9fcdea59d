"""Privacy lifecycle (DOMAIN §10 "People"): after the appeal window, non-winners' personal data
and files are deleted; the anonymous scores stay.

What is deleted for every entry that won nothing in a contest whose results were published more
than ``Contest.appeal_window_days`` ago:

- every file: the ``EntryFile`` rows now, the stored objects (originals, previews, thumbnails,
  judges' copies) after commit;
- team members' names, universities, departments, emails and phones (the rows stay, inactive,
  so that team sizes remain countable);
- the child's name, school, grade and relationship; the birth date is cut to the year (the age
  division is already recorded on the entry). A child with an entry that is not purged now
  (a winner, another contest) is left alone;
- the entry's description, team name and video URL.

What stays: the entry row with its receipt number and blind code, its division and status,
consent evidence (kind, text version, when, by which account), scorecards and scores, ranking
snapshots, allocations and publications, and the audit trail. Accounts are not touched here:
they belong to people, not to one contest.

Running it again changes nothing (every purged value is a fixed point), and each run that
changed something leaves one audit record per contest.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from contests.models import Contest
from core.audit import audit_record
from results.models import Publication
from submissions.models import Child, Entry, EntryFile, TeamMember
from submissions.services.files import _delete_objects_after_commit, _file_keys

PURGED_EMAIL_DOMAIN = "purged.invalid"


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
    publications = Publication.objects.filter(unpublished_at__isnull=True).select_related(
        "contest", "allocation"
    )
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
            counts = _contest_purge(contest, _winner_ids(publication), dry_run=dry_run)
            if not dry_run and any(counts.values()):
                audit_record(
                    actor=actor,
                    action="personal_data.purge",
                    target=contest,
                    contest=contest,
                    after=counts,
                    reason=f"appeal window of {contest.appeal_window_days} days ended",
                )
        if any(counts.values()):
            report.contests.append(contest.slug)
        report.entries += counts["entries"]
        report.files += counts["files"]
        report.members += counts["members"]
        report.children += counts["children"]
    return report


def _contest_purge(contest: Contest, winners: set[str], *, dry_run: bool) -> dict[str, int]:
    losers = Entry.objects.filter(contest=contest).exclude(pk__in=winners)
    files = EntryFile.objects.filter(entry__in=losers)
    members = TeamMember.objects.filter(entry__in=losers).exclude(
        email__endswith=f"@{PURGED_EMAIL_DOMAIN}"
    )
    # children all of whose entries are purged now (none won, none elsewhere still kept)
    kept = Entry.objects.filter(child__isnull=False).exclude(pk__in=losers.values("pk"))
    children = (
        Child.objects.filter(entries__in=losers)
        .exclude(pk__in=kept.values("child_id"))
        .exclude(name__startswith="#")
        .distinct()
    )
    entries = losers.filter(~Q(description="") | ~Q(team_name="") | ~Q(video_url=""))
    counts = {
        "entries": entries.count(),
        "files": files.count(),
        "members": members.count(),
        "children": children.count(),
    }
    if dry_run:
        return counts
    keys = [
        k
        for f in files.only("key", "preview_key", "thumbnail_key", "judge_key")
        for k in _file_keys(f)
    ]
    files.delete()
    _delete_objects_after_commit(keys)
    members.update(
        name="",
        university="",
        department="",
        phone="",
        active=False,
        email=Concat(
            Value("member-"),
            Cast("pk", output_field=CharField()),
            Value(f"@{PURGED_EMAIL_DOMAIN}"),
        ),
    )
    Child.objects.filter(pk__in=list(children.values_list("pk", flat=True))).update(
        name=Concat(Value("#"), Cast("pk", output_field=CharField())),
        school="",
        grade="",
        relationship="",
        birth_date=TruncYear("birth_date"),
    )
    entries.update(description="", team_name="", video_url="")
    return counts
