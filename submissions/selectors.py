"""Who may see which entry, and the reads the pages and the API share."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from contests.enums import Track
from contests.models import Contest
from core.errors import NotFound
from submissions.enums import ConsentKind, FileStatus
from submissions.models import Consent, Entry, EntryFile


def entries_visible_to(user, contest: Contest | None = None) -> QuerySet[Entry]:
    """An entrant sees their own entries; an organizer the entries of contests they run."""
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    qs = Entry.objects.all()
    if contest is not None:
        qs = qs.filter(contest=contest)
    if not user.is_superuser:
        # A subquery, not a join: no DISTINCT over the whole list (50,000 entries a contest).
        run = Contest.objects.filter(organizers=user).values("pk")
        qs = qs.filter(Q(owner=user) | Q(contest__in=run))
    return qs


def judging_allowed_q(entry_path: str = "") -> Q:
    """Entries judges may see: Track S, or Track D with the guardian's consent in force.

    A guardian who withdraws the consent takes the drawing out of every judge's queue at once
    (DOMAIN §10 "People"). ``entry_path`` is the lookup from the queried model to the entry
    (``"entry__"`` for assignments, ``""`` for entries).
    """
    entry_pk = OuterRef(entry_path.removesuffix("__") + "_id") if entry_path else OuterRef("pk")
    guardian = Consent.objects.filter(entry_id=entry_pk, kind=ConsentKind.GUARDIAN)
    return ~Q(**{f"{entry_path}contest__track": Track.DRAWING}) | Q(Exists(guardian))


def entries_with_details(qs: QuerySet[Entry]) -> QuerySet[Entry]:
    """Everything an entry page or list row shows, in a fixed number of queries."""
    return qs.select_related("contest", "division", "child").prefetch_related(
        "members",
        "consents",
        Prefetch(
            "files",
            queryset=EntryFile.objects.exclude(status=FileStatus.PENDING).order_by(
                "slot", "created_at"
            ),
            to_attr="stored_files",
        ),
    )


def entry_get_visible(user, entry_id, *, details: bool = True) -> Entry:
    """One visible entry; ``details=False`` for writes that need only the entry and contest."""
    qs = entries_visible_to(user)
    qs = entries_with_details(qs) if details else qs.select_related("contest")
    try:
        return qs.get(pk=entry_id)
    except (Entry.DoesNotExist, ValueError, DjangoValidationError) as exc:  # bad UUID: unseen
        raise NotFound() from exc


def entry_counts(contest: Contest) -> list[dict]:
    """Entries per division and status, for the organizer's overview."""
    return list(
        Entry.objects.filter(contest=contest)
        .values("division__code", "status")
        .annotate(n=Count("id"))
        .order_by("division__code", "status")
    )
