"""The orphan sweeper: nothing unreferenced stays in storage for longer than a day.

Refused uploads are deleted at once; what can still be left behind is an upload whose slot
expired unconfirmed, or an object written just before a crash. This removes both.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from core.storage.objectstore import list_keys_older_than, object_delete
from submissions.enums import FileStatus
from submissions.models import DERIVATIVE_KEYS, EntryFile

PREFIX = "contests/"


@dataclass(frozen=True)
class SweepReport:
    expired_slots: int
    orphaned_objects: int
    kept_objects: int


def _referenced_keys() -> set[str]:
    keys: set[str] = set()
    for row in EntryFile.objects.values_list("key", *DERIVATIVE_KEYS):
        keys.update(k for k in row if k)
    return keys


def uploads_sweep(
    *, older_than: timedelta = timedelta(days=1), dry_run: bool = False
) -> SweepReport:
    cutoff = timezone.now() - older_than
    expired = EntryFile.objects.filter(Q(status=FileStatus.PENDING) & Q(expires_at__lt=cutoff))
    expired_keys = list(expired.values_list("key", flat=True))
    if not dry_run:
        expired.delete()
        for key in expired_keys:
            object_delete(key=key)
    referenced = _referenced_keys()
    orphans = kept = 0
    for key in list_keys_older_than(prefix=PREFIX, before=cutoff):
        if key in referenced:
            kept += 1
            continue
        orphans += 1
        if not dry_run:
            object_delete(key=key)
    return SweepReport(expired_slots=len(expired_keys), orphaned_objects=orphans, kept_objects=kept)
