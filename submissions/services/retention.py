"""Privacy lifecycle of entries (DOMAIN §10 "People"): what deleting an entrant's personal
data means. *When* it happens (after the appeal window of published results) is decided by
``results.services.retention``.

What is deleted for every entry not kept (the winners):

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
they belong to people, not to one contest. Every purged value is a fixed point, so running it
again changes nothing.
"""

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear

from contests.models import Contest
from core.storage.objectstore import objects_delete_after_commit
from submissions.models import DERIVATIVE_KEYS, Child, Entry, EntryFile, TeamMember

PURGED_EMAIL_DOMAIN = "purged.invalid"


def contest_personal_data_purge(
    *, contest: Contest, keep: set[str], dry_run: bool
) -> dict[str, int]:
    """Delete the personal data and files of the contest's entries not in ``keep`` (entry ids);
    returns the counts of what was (or, with ``dry_run``, would be) purged. Idempotent."""
    winners = keep
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
    keys = [k for f in files.only("key", *DERIVATIVE_KEYS) for k in f.object_keys]
    files.delete()
    objects_delete_after_commit(keys)
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
        identity_key=Concat(Value("#"), Cast("pk", output_field=CharField())),
        school="",
        grade="",
        relationship="",
        birth_date=TruncYear("birth_date"),
    )
    entries.update(description="", team_name="", video_url="")
    return counts
