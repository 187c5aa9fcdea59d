"""Background jobs of entries. Each takes ids, re-fetches and is idempotent."""

import logging
import uuid

from core.storage.objectstore import object_open, object_save
from submissions.derivatives import image_derivatives
from submissions.enums import FileStatus
from submissions.models import EntryFile
from submissions.pdfsanitise import pdf_judge_copy

log = logging.getLogger(__name__)
IMAGE_TYPES = {"image/jpeg", "image/png", "image/heic", "image/heif"}


def file_derivatives_make(*, file_id: str) -> None:
    """Judges and the public see re-encoded copies: no EXIF/GPS, upright, no trailing bytes;
    PDFs rebuilt from their rendered pages. The original stays private. Quarantined files get
    no copy, so they are never shown to a judge."""
    record = EntryFile.objects.filter(pk=file_id, status=FileStatus.ACCEPTED).first()
    if record is None:  # deleted or quarantined meanwhile
        return
    # Copies live under a random folder, not the entry's: judges receive these URLs, and
    # nothing in them may tie the file to an entry (DOMAIN §10, People).
    base = f"contests/{record.contest_id}/copies/{uuid.uuid4().hex}"
    if record.content_type in IMAGE_TYPES and not record.thumbnail_key:
        with object_open(key=record.key) as fileobj:
            made = image_derivatives(fileobj=fileobj)
        object_save(key=f"{base}/preview.jpg", data=made.preview, content_type="image/jpeg")
        object_save(key=f"{base}/thumb.jpg", data=made.thumbnail, content_type="image/jpeg")
        EntryFile.objects.filter(pk=record.pk).update(
            preview_key=f"{base}/preview.jpg", thumbnail_key=f"{base}/thumb.jpg"
        )
    elif record.content_type == "application/pdf" and not record.judge_key:
        with object_open(key=record.key) as fileobj:
            copy = pdf_judge_copy(fileobj=fileobj)
        object_save(key=f"{base}/judge.pdf", data=copy, content_type="application/pdf")
        EntryFile.objects.filter(pk=record.pk).update(judge_key=f"{base}/judge.pdf")
