"""Who may see which entry, and the reads the pages and the API share."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet

from contests.models import Contest
from core.errors import NotFound
from submissions.enums import FileStatus
from submissions.models import Entry, EntryFile


def entries_visible_to(user, contest: Contest | None = None) -> QuerySet[Entry]:
    """An entrant sees their own entries; an organizer the entries of contests they run."""
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    qs = Entry.objects.all()
    if contest is not None:
        qs = qs.filter(contest=contest)
    if not user.is_superuser:
        qs = qs.filter(Q(owner=user) | Q(contest__organizers=user)).distinct()
    return qs


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


def entry_get_visible(user, entry_id) -> Entry:
    try:
        return entries_with_details(entries_visible_to(user)).get(pk=entry_id)
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
