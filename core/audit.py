"""Writing audit records (DOMAIN §10: every change that matters leaves one)."""

from typing import Any

from django.db import models

from core.models import AuditRecord


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    contest: Any = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditRecord:
    return AuditRecord.objects.create(
        contest=contest,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
        reason=reason,
    )
