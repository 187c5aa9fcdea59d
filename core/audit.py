"""Writing audit records (DOMAIN §10: every change that matters leaves one)."""

from typing import Any

from django.db import models

from core.models import AuditRecord


def audit_record(
    *,
    actor: Any,  # a user (anonymous: recorded as nobody) or a user's id
    action: str,
    target: models.Model,
    contest: Any = None,  # a contest or its id
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditRecord:
    if isinstance(actor, int):
        actor_id = actor
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
