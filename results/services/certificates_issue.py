"""Certificates of a published contest (DOMAIN §8): the design, issuing in the background,
revoking at unpublication, rendering on demand and the organizers' ZIP.

Decisions (README "After the results"):

* **Who gets what.** Every eligible, judged entry (awarded or not) gets a 참가확인서; every
  winner also gets a 상장 of its tier with its prize. Track D: one per drawing, in the child's
  name. Track S: **one per team member**, each in that member's name with the team's name and
  the member's university — a certificate is a personal document students file with their
  university or résumé, and a single sheet for five names is neither.
* **On demand, not stored.** A certificate row keeps what the PDF prints (``data``); the PDF
  is rendered when it is downloaded: ~14 ms and ~80 KB each (``make bench``: ~70 a second on
  one core, flat memory), the same bytes every time. Storing them would cost tens of minutes
  of rendering per 50,000 before the first download, gigabytes of objects, and a re-render of
  everything whenever the organizer changes the logo or signatory.
* **Serials** are unique in the database; a clash (50 random bits: rare, not impossible) is
  retried with a fresh serial.
* **Unpublishing revokes** every live certificate (the verify page says so). A republication
  re-runs the batch: a certificate whose content is unchanged is **reinstated** under its old
  serial (paper already printed stays valid); any other gets a new serial.
"""

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import asdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.enums import Track
from contests.models import Contest
from contests.permissions import organizer_required
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.models import Job
from core.tasks import job_progress, job_start
from results.certificates import (
    CertificateData,
    CertificateError,
    CertificateStyle,
    certificate_check,
    certificate_filename,
    certificate_render,
    glyphs_missing,
    serial_generate,
)
from results.enums import CertificateKind
from results.models import Certificate, CertificateBatch, CertificateDesign, Publication
from results.selectors import publication_live
from results.selectors_after import certificate_design
from submissions.enums import ConsentKind, EntryStatus
from submissions.masking import mask_name
from submissions.models import Entry, TeamMember

CHUNK = 500  # entries per transaction of a batch: progress shows, memory stays flat
SERIAL_ATTEMPTS = 5
PROBLEMS_KEPT = 200
LOGO_MAX_BYTES = 2 * 1024 * 1024
PLACEHOLDER_SERIAL = "WSCE21-C-0000-0000-000"  # for checking glyphs before a serial exists


# ---- the design -----------------------------------------------------------------------------


def certificate_style(contest: Contest) -> CertificateStyle:
    design = certificate_design(contest)
    if design is None:
        raise ValidationFailed(
            _("Set who issues the certificates (organizer, signatory) first."),
            code="certificate_design_missing",
        )
    return _style(design)


def _style(design: CertificateDesign) -> CertificateStyle:
    return CertificateStyle(
        organizer=design.issuer,
        signatory_name=design.signatory_name,
        signatory_title=design.signatory_title,
        accent=design.accent,
        logo=bytes(design.logo) if design.logo else None,
    )


@transaction.atomic
def certificate_design_save(
    *,
    user,
    contest: Contest,
    issuer: str,
    signatory_name: str,
    signatory_title: str,
    accent: str = "#1f3a5f",
    logo: bytes | None = None,
    logo_remove: bool = False,
) -> CertificateDesign:
    """Set the contest's certificate design; the logo is checked (PNG or JPEG) and stored
    scaled to the certificate's logo box. Text the font cannot print is refused."""
    organizer_required(user, contest)
    design = CertificateDesign.objects.select_for_update().filter(contest=contest).first()
    errors: dict[str, list[str]] = {}
    texts = {"issuer": issuer, "signatory_name": signatory_name, "signatory_title": signatory_title}
    for name, value in texts.items():
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
        elif missing := glyphs_missing(text=value):
            errors[name] = [_("The certificate font cannot print: %(chars)s") % {"chars": missing}]
    if logo is not None and len(logo) > LOGO_MAX_BYTES:
        errors["logo"] = [_("The logo may be at most 2 MB.")]
    if errors:
        raise ValidationFailed(_("The certificate design is not valid."), detail=errors)
    kept = None if logo_remove else (logo if logo is not None else (design and design.logo))
    try:
        style = CertificateStyle(
            organizer=issuer,
            signatory_name=signatory_name,
            signatory_title=signatory_title,
            accent=(accent or "#1f3a5f").strip(),
            logo=bytes(kept) if kept else None,
        )
    except CertificateError as exc:
        field = "accent" if "accent" in str(exc) else "logo"
        message = (
            _("Use a colour such as #1f3a5f.")
            if field == "accent"
            else _("The logo must be a PNG or JPEG image.")
        )
        raise ValidationFailed(
            _("The certificate design is not valid."), detail={field: [message]}
        ) from exc
    before = None if design is None else {"issuer": design.issuer, "logo": bool(design.logo)}
    design = design or CertificateDesign(contest=contest)
    design.issuer, design.accent = style.organizer, style.accent
    design.signatory_name, design.signatory_title = style.signatory_name, style.signatory_title
    design.logo = style.logo
    design.updated_by = user if getattr(user, "is_authenticated", False) else None
    design.save()
    audit_record(
        actor=user,
        action="certificates.design",
        target=design,
        contest=contest,
        before=before,
        after={"issuer": design.issuer, "signatory": design.signatory_name, "logo": bool(logo)},
    )
    return design


# ---- what each certificate says -------------------------------------------------------------


def _content_sha(kind: str, data: dict) -> str:
    return hashlib.sha256(json.dumps([kind, data], sort_keys=True).encode()).hexdigest()


def _printed(data: CertificateData) -> dict:
    """What a certificate row keeps: every printed field but the serial, URL and date."""
    values = asdict(data)
    for name in ("serial", "verify_url", "issued_on", "kind"):
        values.pop(name)
    return values


def verify_url(serial: str) -> str:
    return f"{settings.SITE_URL}/verify/{serial}"


def _targets(contest: Contest, entry: Entry, award: dict | None) -> Iterator[tuple[str, str, dict]]:
    """(kind, recipient key, CertificateData fields) of each certificate an entry gets."""
    base = {
        "contest_title": contest.title_ko,
        "contest_title_en": contest.title_en,
        "entry_title": entry.title,
    }
    if contest.track == Track.SMART_CITY:
        people = [
            (f"member:{m.pk}", m.name, {"team_name": entry.team_name, "university": m.university})
            for m in entry.members.all()
            if m.active and m.name
        ]
    else:
        consents = {c.kind for c in entry.consents.all()}
        school = entry.child.school if ConsentKind.PUBLISH_NAME in consents else ""
        people = (
            [("child", entry.child.name, {"division": entry.division.name_ko, "school": school})]
            if entry.child and entry.child.name and not entry.child.name.startswith("#")
            else []
        )
    for key, name, extra in people:
        fields = {**base, **extra, "recipient_name": name}
        yield CertificateKind.PARTICIPATION, key, fields
        if award is not None:
            tier = award.get("tier_name") or award.get("tier", "")
            if award.get("joint"):
                tier = f"{tier} (공동)"
            yield (
                CertificateKind.AWARD,
                key,
                {**fields, "tier_name": tier, "amount_krw": int(award.get("amount") or 0)},
            )


def _data(kind: str, fields: dict, *, serial: str, issued_on) -> CertificateData:
    return CertificateData(
        serial=serial, kind=kind, issued_on=issued_on, verify_url=verify_url(serial), **fields
    )


def certificate_data(cert: Certificate) -> CertificateData:
    return _data(cert.kind, cert.data, serial=cert.serial, issued_on=cert.issued_on)


# ---- issuing --------------------------------------------------------------------------------


@transaction.atomic
def certificates_issue_start(*, user, contest: Contest) -> Job:
    """Queue the issuing of the contest's certificates as a background job (the page and the
    API show its progress); refused before publication, without a design, or while a batch
    of the contest is still running."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    organizer_required(user, contest)
    live = publication_live(contest)
    if live is None:
        raise ValidationFailed(_("Publish the results first."), code="not_published")
    certificate_style(contest)
    running = Job.objects.filter(
        contest=contest,
        name="results.tasks.certificates_issue_run",
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
    )
    if running.exists():
        raise Conflict(_("Certificates are being issued already."), code="certificates_running")
    batch = CertificateBatch.objects.create(
        contest=contest,
        publication=live,
        started_by=user if getattr(user, "is_authenticated", False) else None,
    )
    job = job_start(
        "results.tasks.certificates_issue_run",
        {"batch_id": batch.pk, "user_id": getattr(user, "pk", None)},
        started_by=user,
        contest=contest,
    )
    batch.job = job
    batch.save(update_fields=["job"])
    audit_record(actor=user, action="certificates.issue_start", target=batch, contest=contest)
    return job


def certificates_issue(*, user, batch_id: int) -> CertificateBatch:
    """The job's body: check every certificate's text against the font first (entries the
    font cannot print are skipped and reported), then issue, reinstate or keep each one, a
    chunk of entries per transaction. Idempotent: a second run changes nothing."""
    batch = CertificateBatch.objects.select_related("contest", "publication").get(pk=batch_id)
    contest = batch.contest
    organizer_required(user, contest)
    live = publication_live(contest)
    if live is None or live.pk != batch.publication_id:
        batch.finished_at = timezone.now()
        batch.save(update_fields=["finished_at"])
        return batch  # unpublished or republished meanwhile: the next batch does it
    style = certificate_style(contest)
    awards = {str(a["entry_id"]): a for a in live.allocation.awards}
    entries = (
        Entry.objects.filter(
            contest=contest, status__in=(EntryStatus.AWARDED, EntryStatus.NOT_AWARDED)
        )
        .select_related("child", "division")
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.order_by("order")), "consents"
        )
        .order_by("receipt_number", "pk")
    )
    total = entries.count() or 1
    done = 0
    ids = entries.values_list("pk", flat=True)
    chunk: list = []
    for pk in ids.iterator(chunk_size=CHUNK):
        chunk.append(pk)
        if len(chunk) == CHUNK:
            _issue_chunk(batch, live, style, entries.filter(pk__in=chunk), awards)
            done += len(chunk)
            chunk = []
            job_progress(int(100 * done / total))
    if chunk:
        _issue_chunk(batch, live, style, entries.filter(pk__in=chunk), awards)
    batch.finished_at = timezone.now()
    batch.save()
    audit_record(
        actor=user,
        action="certificates.issue",
        target=batch,
        contest=contest,
        after={
            "issued": batch.issued,
            "reinstated": batch.reinstated,
            "unchanged": batch.unchanged,
            "skipped": batch.skipped,
        },
    )
    return batch


@transaction.atomic
def _issue_chunk(batch, live: Publication, style, entries, awards: dict) -> None:
    Contest.objects.select_for_update().get(pk=batch.contest_id)  # one batch writes at a time
    today = timezone.localdate()
    existing: dict[tuple, list[Certificate]] = {}
    for cert in Certificate.objects.filter(entry__in=entries).order_by("-issued_at", "-id"):
        existing.setdefault((str(cert.entry_id), cert.kind, cert.recipient_key), []).append(cert)
    new, reinstated = [], []
    for entry in entries:
        targets = list(_targets(batch.contest, entry, awards.get(str(entry.pk))))
        problems = {}
        for kind, _key, fields in targets:
            data = _data(kind, fields, serial=PLACEHOLDER_SERIAL, issued_on=today)
            problems |= certificate_check(data=data, style=style)
        if problems:
            batch.skipped += 1
            if len(batch.problems) < PROBLEMS_KEPT:
                batch.problems.append({"entry": entry.receipt_number, "fields": problems})
            continue
        for kind, key, fields in targets:
            printed = _printed(_data(kind, fields, serial=PLACEHOLDER_SERIAL, issued_on=today))
            sha = _content_sha(kind, printed)
            history = existing.get((str(entry.pk), kind, key), [])
            live_one = next((c for c in history if c.revoked_at is None), None)
            if live_one is not None and live_one.content_sha256 == sha:
                batch.unchanged += 1
                continue
            if live_one is not None:  # changed while live: the old one no longer holds
                live_one.revoked_at = timezone.now()
                live_one.revoke_reason = "content changed"
                live_one.save(update_fields=["revoked_at", "revoke_reason"])
            same = next((c for c in history if c.content_sha256 == sha and c.revoked_at), None)
            if same is not None and live_one is None:
                same.revoked_at, same.revoke_reason, same.publication = None, "", live
                reinstated.append(same)
                continue
            new.append(
                Certificate(
                    serial=serial_generate(),
                    contest_id=batch.contest_id,
                    publication=live,
                    entry=entry,
                    kind=kind,
                    recipient_key=key,
                    recipient_name=fields["recipient_name"],
                    recipient_masked=mask_name(fields["recipient_name"]),
                    tier_code=(awards[str(entry.pk)]["tier"] if kind == "award" else ""),
                    tier_name=fields.get("tier_name", ""),
                    tier_name_en=(
                        awards[str(entry.pk)].get("tier_name_en", "") if kind == "award" else ""
                    ),
                    amount=fields.get("amount_krw", 0),
                    data=printed,
                    content_sha256=sha,
                    issued_on=today,
                )
            )
    Certificate.objects.bulk_update(reinstated, ["revoked_at", "revoke_reason", "publication"])
    _insert_with_fresh_serials(new)
    batch.issued += len(new)
    batch.reinstated += len(reinstated)
    batch.save(update_fields=["issued", "reinstated", "unchanged", "skipped", "problems"])


def _insert_with_fresh_serials(rows: list[Certificate]) -> None:
    """Insert the new certificates; a serial already taken (or drawn twice) is drawn again."""
    for _attempt in range(SERIAL_ATTEMPTS):
        serials = [c.serial for c in rows]
        taken = set(Certificate.objects.filter(serial__in=serials).values_list("serial", flat=True))
        seen: set[str] = set()
        for cert in rows:
            while cert.serial in taken or cert.serial in seen:
                cert.serial = serial_generate()
            seen.add(cert.serial)
        try:
            with transaction.atomic():
                Certificate.objects.bulk_create(rows, batch_size=500)
            return
        except IntegrityError:  # another writer took a serial between the check and the insert
            for cert in rows:
                cert.pk = None
            continue
    raise Conflict(_("Could not draw unique serial numbers; try again."), code="serial_clash")


def certificates_revoke(*, user, contest: Contest, reason: str) -> int:
    """Revoke every live certificate of the contest (at unpublication); returns how many."""
    count = Certificate.objects.filter(contest=contest, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason[:500]
    )
    if count:
        audit_record(
            actor=user,
            action="certificates.revoke",
            target=contest,
            contest=contest,
            after={"revoked": count},
            reason=reason,
        )
    return count


def certificates_reissue_after_publish(*, user, contest: Contest) -> Job | None:
    """At a republication: if the contest had certificates, issue them again (reinstating
    the unchanged ones) without the organizer having to remember it."""
    if not Certificate.objects.filter(contest=contest).exists():
        return None
    if certificate_design(contest) is None:
        return None
    return certificates_issue_start(user=user, contest=contest)


# ---- PDFs -----------------------------------------------------------------------------------


def certificate_pdf(*, certificate: Certificate) -> tuple[bytes, str]:
    """The PDF of a live certificate and its file name, rendered now with the contest's
    current design."""
    style = certificate_style(certificate.contest)
    data = certificate_data(certificate)
    return certificate_render(data=data, style=style), certificate_filename(data=data)


def certificate_preview(*, user, contest: Contest) -> bytes:
    """A sample with the contest's current design: its first live 상장 if one is issued, else
    a made-up one (the first tier, a sample name)."""
    organizer_required(user, contest)
    style = certificate_style(contest)
    cert = (
        Certificate.objects.filter(contest=contest, revoked_at__isnull=True)
        .exclude(recipient_name="")
        .order_by("kind", "issued_at", "pk")
        .first()
    )
    if cert is not None:
        return certificate_render(data=certificate_data(cert), style=style)
    tier = contest.prize_tiers.order_by("division__order", "order").first()
    sample = CertificateData(
        serial=PLACEHOLDER_SERIAL,
        kind=CertificateKind.AWARD,
        contest_title=contest.title_ko,
        contest_title_en=contest.title_en,
        recipient_name="홍길동",  # the certificate is a Korean document in either language
        entry_title="작품명 예시",
        tier_name=tier.name_ko if tier else "대상",
        amount_krw=tier.amount if tier else 0,
        issued_on=timezone.localdate(),
        verify_url=verify_url(PLACEHOLDER_SERIAL),
    )
    return certificate_render(data=sample, style=style)


class _Sink:
    """A write-only, non-seekable file for zipfile whose bytes a generator hands on."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def certificates_zip(
    *, user, contest: Contest, kind: str = "", division: str = ""
) -> Iterator[bytes]:
    """The contest's live certificates as one ZIP, produced while it is sent: one PDF in
    memory at a time (a streamed response). ``kind`` and ``division`` narrow it."""
    organizer_required(user, contest)
    style = certificate_style(contest)
    certs = Certificate.objects.filter(contest=contest, revoked_at__isnull=True).exclude(
        recipient_name=""
    )
    if kind in CertificateKind.values:
        certs = certs.filter(kind=kind)
    if division:
        certs = certs.filter(entry__division__code=division)
    certs = certs.select_related("entry").order_by("entry__receipt_number", "kind", "recipient_key")
    return _zip_chunks(certs, style)


def _zip_chunks(certs, style) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for cert in certs.iterator(chunk_size=500):
            data = certificate_data(cert)
            name = f"{cert.entry.receipt_number}-{certificate_filename(data=data)}"
            day = data.issued_on
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, certificate_render(data=data, style=style))
            yield sink.drain()
    yield sink.drain()
