"""The seal of an entry (DOMAIN §3): at submission every file's SHA-256 is recorded, so anyone
can later prove that what the judges saw is what was submitted; an edit before the deadline
re-seals, and the change is audited."""

import hashlib
import json

from core.audit import audit_record
from submissions.enums import SCREENED, EntryStatus, FileStatus
from submissions.models import Entry


def entry_seal_compute(entry: Entry) -> str:
    """SHA-256 over the entry id and every stored file's slot, size and SHA-256."""
    files = sorted(
        (f.slot, f.sha256, f.size)
        for f in entry.files.exclude(status=FileStatus.PENDING).only("slot", "sha256", "size")
    )
    canonical = json.dumps({"entry": str(entry.pk), "files": files}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_reseal(entry: Entry, *, actor) -> None:
    """A submitted entry edited before the deadline gets a new seal; the change is audited.
    Files changed after screening send the entry back to screening ("submitted"): what the
    organizer screened is no longer what was entered."""
    if entry.status not in (EntryStatus.SUBMITTED, *SCREENED):
        return
    before = {"seal": entry.seal_sha256, "status": entry.status}
    entry.seal_sha256 = entry_seal_compute(entry)
    if entry.seal_sha256 != before["seal"]:
        entry.status, entry.eligibility_reason = EntryStatus.SUBMITTED, ""
        entry.save(update_fields=["seal_sha256", "status", "eligibility_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="entry.reseal",
            target=entry,
            contest=entry.contest,
            before=before,
            after={"seal": entry.seal_sha256, "status": entry.status},
        )
