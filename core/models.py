from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit_labels import action_label
from core.errors import Forbidden


class AuditRecordImmutable(Forbidden):
    code = "audit_immutable"
    default_message = _("Audit records cannot be changed or deleted.")


class AuditRecordQuerySet(models.QuerySet):
    """Bulk writes refused: an audit record is never updated or deleted (DOMAIN §10)."""

    def update(self, **kwargs):
        raise AuditRecordImmutable()

    def delete(self):
        raise AuditRecordImmutable()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditRecordImmutable()

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AuditRecordImmutable()

    def _raw_delete(self, using):  # the deletion collector's fast path
        raise AuditRecordImmutable()


class AuditRecord(models.Model):
    """Append-only record of a change that matters: who, when, what before and after, why.

    Written only by ``core.audit.audit_record``; the app never updates or deletes one. The model
    refuses both (``save()`` of a stored row, ``delete()``, the queryset's ``update``/``delete``)
    and on PostgreSQL a trigger refuses them in the database too (migration 0002).
    """

    contest = models.ForeignKey(
        "contests.Contest",
        verbose_name=_("contest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_records",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contest", "action"])]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at) if self.created_at else None
        stamp = f"{when:%Y-%m-%d %H:%M} " if when else ""
        return f"{stamp}{action_label(self.action)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditRecordImmutable()
        kwargs.pop("force_update", None)
        kwargs["force_insert"] = True  # a stored record is never written again
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRecordImmutable()


class Job(models.Model):
    """One piece of background work queued through ``core.tasks`` (image derivatives, mail, …).

    Written only by ``core.tasks``. A job may run more than once (a worker killed mid-task
    hands it back to the queue): the tasks are idempotent, and a job already done is skipped.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    contest = models.ForeignKey(
        "contests.Contest",
        verbose_name=_("contest"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Its organizers may follow the job; empty for a person's own work."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=100),
                name="job_progress_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"
