"""Writing audit records (DOMAIN §10: every change that matters leaves one)."""

from typing import Any

from django.db import models

from core.actors import is_system
from core.models import AuditRecord


def audit_record(
    *,
    actor: Any,  # a user (anonymous: nobody), a user's id, or the system (for a person or not)
    action: str,
    target: models.Model,
    contest: Any = None,  # a contest or its id
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditRecord:
    if isinstance(actor, int):
        actor_id = actor
    elif is_system(actor):
        actor_id = actor.pk  # the person the system acted for, or nobody
    else:
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    return AuditRecord.objects.create(
        contest_id=contest if contest is None or isinstance(contest, int) else contest.pk,
        actor_id=actor_id,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
        reason=reason,
    )
