"""The upload protocol: ask for a slot → POST the file straight to storage → confirm.

Nothing is trusted from the client: confirming re-reads the stored object, sniffs its type,
decodes images and parses PDFs (``submissions.inspection``). A refused object is deleted and
its row removed; storage deletes run after commit so a rollback never loses a kept file.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.enums import Track
from contests.phases import Action
from core.errors import Conflict as DomainConflict
from core.errors import NotFound, ValidationFailed
from core.storage.objectstore import (
    UploadTicket,
    object_copy,
    object_open,
    object_size,
    object_url,
    objects_delete_after_commit,
    upload_ticket,
)
from core.tasks import run_after_commit
from submissions.enums import EntryStatus, FileSlot, FileStatus
from submissions.errors import EntryLocked, IncompleteEntry
from submissions.inspection import (
    SLOT_RULES,
    SLOTS_BY_TRACK,
    FileRejected,
    display_filename,
    file_inspect,
)
from submissions.models import Entry, EntryFile
from submissions.permissions import (
    entry_deadline_require,
    entry_editable_by_entrant,
    is_entry_owner,
)
from submissions.services.seal import entry_reseal

TICKET_SECONDS = 600  # presigned POSTs expire within 10 minutes (DOMAIN §10)
REPLACED_ON_UPLOAD = tuple(s for s, rule in SLOT_RULES.items() if rule.max_files == 1)


def file_key(entry: Entry, file_id: uuid.UUID, name: str = "original") -> str:
    """Server-generated keys; no personal data, never the user's filename."""
    return f"contests/{entry.contest_id}/entries/{entry.pk}/{file_id}/{name}"


def _check_entrant(user, entry: Entry) -> None:
    if not is_entry_owner(user, entry):
        raise NotFound()
    entry_deadline_require(entry, Action.ENTRY_UPLOAD)
    if not entry_editable_by_entrant(entry):
        raise EntryLocked()


def _rejected(code: str, message: str, detail: dict | None = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, detail=detail or {})


def upload_request(
    *, user, entry: Entry, slot: str, filename: str, content_type: str, size: int
) -> tuple[EntryFile, UploadTicket]:
    """A pending file row and the presigned POST for it. One INSERT, which is atomic on its own
    (no transaction round trips on the deadline's busiest request); the ticket is signed first,
    so a refusal leaves no row behind."""
    _check_entrant(user, entry)
    if slot not in SLOTS_BY_TRACK[entry.contest.track]:
        raise _rejected(
            "invalid_slot", _("This contest does not take that kind of file."), {"slot": [slot]}
        )
    rule = SLOT_RULES[slot]
    if content_type not in rule.allowed:
        raise _rejected(
            "unsupported_type",
            _("This type of file is not accepted here."),
            {"allowed": sorted(rule.allowed)},
        )
    if not isinstance(size, int) or size < 1:
        raise _rejected("empty_file", _("The file is empty."))
    if size > rule.max_bytes:
        raise _rejected(
            "file_too_large",
            _("The file is larger than %(mb)d MB.") % {"mb": rule.max_bytes // (1024 * 1024)},
            {"max_bytes": rule.max_bytes},
        )
    if rule.max_files > 1:
        taken = (
            entry.files.filter(slot=slot)
            .exclude(status=FileStatus.PENDING, expires_at__lt=timezone.now())
            .count()
        )
        if taken >= rule.max_files:
            raise _rejected(
                "too_many_files",
                _("At most %(n)d files of this kind.") % {"n": rule.max_files},
            )
    file_id = uuid.uuid4()
    key = file_key(entry, file_id)
    ticket = upload_ticket(
        key=key, content_type=content_type, max_bytes=rule.max_bytes, expires_in=TICKET_SECONDS
    )
    record = EntryFile.objects.create(
        id=file_id,
        entry=entry,
        contest_id=entry.contest_id,
        slot=slot,
        key=key,
        display_name=display_filename(filename),
        declared_type=content_type,
        declared_size=size,
        expires_at=timezone.now() + timedelta(seconds=TICKET_SECONDS),
    )
    return record, ticket


def _completed() -> DomainConflict:
    return DomainConflict(
        _("This upload was already completed. The entry's files list shows it."),
        code="upload_completed",
    )


def _get_pending(user, entry: Entry, upload_id) -> EntryFile:
    _check_entrant(user, entry)
    try:
        record = entry.files.get(pk=upload_id)
    except (EntryFile.DoesNotExist, ValueError, DjangoValidationError) as exc:  # bad UUID too
        raise NotFound() from exc
    if record.status != FileStatus.PENDING:
        raise _completed()
    return record


def _refuse(record: EntryFile, error: ValidationFailed) -> ValidationFailed:
    """Remove the row now and the object after commit; return the error to raise."""
    with transaction.atomic():
        EntryFile.objects.filter(pk=record.pk).delete()
        objects_delete_after_commit([record.key])
    return error


def upload_confirm(*, user, entry: Entry, upload_id) -> EntryFile:
    """Confirm an upload from its stored bytes. Completions of one entry are settled one at a
    time (``_accept`` locks the entry): completing the same upload twice answers 409
    ``upload_completed``; a second file completed for a one-file place (proposal, video,
    drawing) while another was being accepted answers 409 ``upload_conflict`` and is deleted,
    row and object — one success, the others a clear refusal, nothing left behind."""
    begun = timezone.now()
    record = _get_pending(user, entry, upload_id)
    rule = SLOT_RULES[record.slot]
    size = object_size(key=record.key)  # StorageUnavailable → 503, nothing changed
    if size is None:
        if record.expires_at < timezone.now():
            raise _refuse(
                record,
                _rejected(
                    "upload_expired",
                    _("The upload slot expired before the file arrived. Ask for a new one."),
                ),
            )
        raise _rejected("upload_missing", _("The file has not arrived in storage yet."))
    if size > rule.max_bytes:  # the storage may not enforce the policy (moto does not)
        raise _refuse(
            record,
            _rejected(
                "file_too_large",
                _("The file is larger than %(mb)d MB.") % {"mb": rule.max_bytes // (1024 * 1024)},
                {"max_bytes": rule.max_bytes, "size": size},
            ),
        )
    if size != record.declared_size:  # not the file that was announced, or a cut-off upload
        code = "file_too_large" if size > record.declared_size else "corrupt_file"
        raise _refuse(
            record,
            _rejected(
                code,
                _(
                    "The stored file is %(size)d bytes, not the %(declared)d bytes announced. "
                    "Please upload it again."
                )
                % {"size": size, "declared": record.declared_size},
                {"size": size, "declared_size": record.declared_size},
            ),
        )
    try:
        with object_open(key=record.key) as fileobj:
            found = file_inspect(fileobj=fileobj, slot=record.slot, size=size)
    except FileRejected as exc:
        raise _refuse(record, _rejected(exc.code, str(exc.message), exc.detail)) from exc
    duplicate = _rejected(
        "duplicate_file", _("The same file has already been entered in this contest.")
    )
    if (
        EntryFile.objects.filter(contest=entry.contest, sha256=found.sha256)
        .exclude(status=FileStatus.PENDING)
        .exclude(pk=record.pk)  # itself, accepted by a simultaneous completion: not a duplicate
        .exists()
    ):
        raise _refuse(record, duplicate)
    try:
        return _accept(user=user, record=record, found=found, begun=begun)
    except IntegrityError as exc:  # a simultaneous upload of the same content won
        raise _refuse(record, duplicate) from exc
    except _LostRace as exc:
        raise _refuse(record, exc.error) from exc


class _LostRace(Exception):
    def __init__(self, error: DomainConflict):
        self.error = error


@transaction.atomic
def _accept(*, user, record: EntryFile, found, begun) -> EntryFile:
    # Completions of one entry queue here, one at a time (the entry's row lock).
    Entry.objects.select_for_update().filter(pk=record.entry_id).first()
    current = EntryFile.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    if current is None:
        raise NotFound()  # deleted meanwhile (a withdrawal, a replaced slot)
    if current != FileStatus.PENDING:
        raise _completed()  # the same upload, completed by a simultaneous request
    if (
        record.slot in REPLACED_ON_UPLOAD
        and EntryFile.objects.filter(
            entry_id=record.entry_id, slot=record.slot, confirmed_at__gte=begun
        )
        .exclude(pk=record.pk)
        .exists()
    ):  # another file took this one-file place while this one was being inspected
        raise _LostRace(
            DomainConflict(
                _(
                    "Another file for this place was uploaded at the same moment and was "
                    "kept. Check the entry's files and upload again if you meant this one."
                ),
                code="upload_conflict",
            )
        )
    record.status = FileStatus.QUARANTINED if found.quarantine_reason else FileStatus.ACCEPTED
    record.quarantine_reason = found.quarantine_reason
    record.size, record.content_type, record.sha256 = found.size, found.content_type, found.sha256
    record.width, record.height, record.pages = found.width, found.height, found.pages
    record.confirmed_at = timezone.now()
    record.save()
    if record.slot in REPLACED_ON_UPLOAD:  # a new proposal/video/drawing replaces the old one
        old = list(
            record.entry.files.filter(slot=record.slot)
            .exclude(pk=record.pk)
            .exclude(status=FileStatus.PENDING)
        )
        for f in old:
            objects_delete_after_commit(f.object_keys)
        EntryFile.objects.filter(pk__in=[f.pk for f in old]).delete()
    entry_reseal(Entry.objects.get(pk=record.entry_id), actor=user)
    if record.status == FileStatus.ACCEPTED:
        run_after_commit("submissions.tasks.file_derivatives_make", file_id=str(record.pk))
    return record


@transaction.atomic
def file_delete(*, user, entry: Entry, file_id) -> None:
    _check_entrant(user, entry)
    try:
        record = entry.files.get(pk=file_id)
    except (EntryFile.DoesNotExist, ValueError, DjangoValidationError) as exc:
        raise NotFound() from exc
    required = FileSlot.PROPOSAL if entry.contest.track == Track.SMART_CITY else FileSlot.DRAWING
    if entry.status == EntryStatus.SUBMITTED and record.slot == required:
        raise IncompleteEntry(
            _("A submitted entry needs this file. Upload a replacement instead of deleting it."),
            detail={"files": [required.value]},
        )
    record.delete()
    objects_delete_after_commit(record.object_keys)
    entry_reseal(entry, actor=user)


def entry_files_delete(*, entry: Entry) -> None:
    """Remove every file of an entry (withdrawal, privacy deletion); objects after commit."""
    records = list(entry.files.all())
    for f in records:
        objects_delete_after_commit(f.object_keys)
    EntryFile.objects.filter(pk__in=[f.pk for f in records]).delete()


def file_public_copies(*, record: EntryFile) -> tuple[str, str]:
    """The keys of the public gallery's preview and thumbnail of an accepted image: separate
    objects under a random folder unrelated to the judges' copies (DOMAIN §10), made the first
    time they are asked for (at publication) and kept for later publications. Storage first,
    then the row: a rollback leaves at most unreferenced objects, which the sweeper removes."""
    if record.public_preview_key and record.public_thumbnail_key:
        return record.public_preview_key, record.public_thumbnail_key
    if not (record.preview_key and record.thumbnail_key):
        raise ValueError(f"file {record.pk} has no re-encoded copies to publish")
    base = f"contests/{record.contest_id}/public/{uuid.uuid4().hex}"
    preview, thumbnail = f"{base}/preview.jpg", f"{base}/thumb.jpg"
    object_copy(source=record.preview_key, target=preview, content_type="image/jpeg")
    object_copy(source=record.thumbnail_key, target=thumbnail, content_type="image/jpeg")
    EntryFile.objects.filter(pk=record.pk).update(
        public_preview_key=preview, public_thumbnail_key=thumbnail
    )
    record.public_preview_key, record.public_thumbnail_key = preview, thumbnail
    return preview, thumbnail


def file_url(*, user, entry: Entry, file_id) -> tuple[str, int]:
    """A short-lived signed URL of a file, for its owner and the contest's organizers (the
    caller has already checked that the entry is visible to the user).

    Only the owner gets the bytes they uploaded. Anyone else, organizers included, gets the
    re-encoded copy of an image (DOMAIN §10): no EXIF/GPS, upright, nothing appended (a
    PNG+HTML polyglot loses its script); until that copy is made, ``copy_not_ready`` (409).
    PDFs and videos are served as attachments, never inline: organizers screen the proposal
    as submitted, quarantined ones included."""
    try:
        record = entry.files.exclude(status=FileStatus.PENDING).get(pk=file_id)
    except (EntryFile.DoesNotExist, ValueError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if record.content_type.startswith("image/") and not is_entry_owner(user, entry):
        if not record.preview_key:
            raise DomainConflict(
                _("The viewing copy of this image is still being made. Try again in a moment."),
                code="copy_not_ready",
            )
        name = display_filename(record.display_name.rsplit(".", 1)[0] + ".jpg")
        url = object_url(
            key=record.preview_key, filename=name, as_attachment=False, content_type="image/jpeg"
        )
        return url, settings.SIGNED_URL_SECONDS
    url = object_url(
        key=record.key,
        filename=record.display_name,
        as_attachment=record.content_type == "application/pdf"
        or record.status == FileStatus.QUARANTINED,
        content_type=record.content_type,
    )
    return url, settings.SIGNED_URL_SECONDS


def file_thumbnail_url(*, user, entry: Entry, file_id) -> tuple[str, int]:
    """A short-lived signed URL of an image's thumbnail (≤ 400 px, re-encoded), for the entry
    page of its owner and the contest's organizers (the caller has checked that the entry is
    visible to the user). No thumbnail (not an image, or not made yet): NotFound."""
    try:
        record = entry.files.exclude(status=FileStatus.PENDING).get(pk=file_id)
    except (EntryFile.DoesNotExist, ValueError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if not record.thumbnail_key:
        raise NotFound()
    url = object_url(
        key=record.thumbnail_key,
        filename="thumbnail.jpg",
        as_attachment=False,
        content_type="image/jpeg",
    )
    return url, settings.SIGNED_URL_SECONDS
