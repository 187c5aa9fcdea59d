"""Reading audit records: organizers of a contest see that contest's records, nobody else."""

from django.db.models import QuerySet

from contests.models import Contest
from contests.permissions import is_contest_organizer
from core.models import AuditRecord


def audit_records_visible_to(user, contest: Contest) -> QuerySet[AuditRecord]:
    if not is_contest_organizer(user, contest):
        return AuditRecord.objects.none()
    return (
        AuditRecord.objects.filter(contest=contest)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def job_get_visible(user, job_id):
    """A background job, for whoever started it and for organizers; NotFound otherwise."""
    from accounts.enums import Role
    from core.errors import NotFound
    from core.models import Job

    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    qs = Job.objects.all()
    if not (user.is_superuser or user.role == Role.ORGANIZER):
        qs = qs.filter(started_by=user)
    try:
        return qs.get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
