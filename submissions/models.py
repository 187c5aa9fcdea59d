"""Entries, teams, children, files and consents. The database enforces what must always hold."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Division
from submissions import limits
from submissions.enums import (
    INACTIVE_STATUSES,
    ConsentKind,
    EntryStatus,
    FileSlot,
    FileStatus,
    VerificationChannel,
)


class ReceiptCounter(models.Model):
    """The last receipt number issued in a contest; numbers are never reused."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.last}"


class Child(models.Model):
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guardian"),
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("child's name"), max_length=limits.PERSON_NAME)
    birth_date = models.DateField(_("birth date"))
    school = models.CharField(_("school or kindergarten"), max_length=limits.SCHOOL, blank=True)
    grade = models.CharField(_("grade"), max_length=limits.GRADE, blank=True)
    relationship = models.CharField(
        _("relationship to the child"), max_length=limits.RELATIONSHIP, blank=True
    )
    # Who the child is, however the name was typed: ``submissions.text.child_identity_key``
    # (NFKC name without whitespace or invisible characters, case folded, and the birth date).
    identity_key = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    # Rows that already named one child twice before identity keys existed (migration 0004):
    # kept as they are, pointing at the first row, and shown to organizers as duplicates.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            # One row per child and guardian: with one entry per child and contest (below),
            # one drawing per child per contest, however the name is spelled.
            models.UniqueConstraint(
                fields=["guardian", "identity_key"],
                condition=Q(duplicate_of__isnull=True),
                name="child_one_identity_per_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.PROTECT, related_name="entries"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entrant"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="entries"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=32, unique=True, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    seal_sha256 = models.CharField(_("seal (SHA-256)"), max_length=64, blank=True)
    blind_code = models.CharField(
        _("anonymous code"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("What judges see instead of any identity; random, issued at submission."),
    )
    title = models.CharField(_("title"), max_length=limits.PROJECT_TITLE)
    description = models.TextField(_("abstract or description"), blank=True)
    team_name = models.CharField(_("team name"), max_length=limits.TEAM_NAME, blank=True)
    child = models.ForeignKey(
        Child,
        verbose_name=_("child"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    video_url = models.URLField(_("video URL"), blank=True)
    extension_until = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    eligibility_reason = models.TextField(_("reason for ineligibility"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contest", "status", "division"])]
        constraints = [
            # One drawing per child per contest: enforced by the database, races included.
            models.UniqueConstraint(
                fields=["contest", "child"],
                condition=Q(child__isnull=False) & ~Q(status__in=INACTIVE_STATUSES),
                name="entry_one_per_child",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="entry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(receipt_number__isnull=True)
                | ~Q(status=EntryStatus.DRAFT)
                | Q(submitted_at__isnull=False),
                name="entry_receipt_means_submitted_once",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or f"{self.title} ({self.get_status_display()})"


class TeamMember(models.Model):
    """A person on a team. Only a confirmed membership counts (DOMAIN §3): the member confirmed
    through the emailed invitation, giving their own consent to the processing of their
    personal data (``consent_version``, ``confirmed_at``: the evidence); the leader, who owns
    the entry, is confirmed by creating it. An unconfirmed row blocks nobody."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="members")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=limits.PERSON_NAME)
    university = models.CharField(_("university"), max_length=limits.UNIVERSITY)
    department = models.CharField(_("department"), max_length=limits.DEPARTMENT)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=limits.PHONE)
    is_leader = models.BooleanField(_("team leader"), default=False)
    is_student = models.BooleanField(_("enrolled student"), default=True)
    active = models.BooleanField(default=True, help_text="False once the entry is withdrawn")
    order = models.PositiveSmallIntegerField(default=0)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["entry", "order"]
        constraints = [
            # A person (by email) may be on only one team per contest, once they confirmed:
            # typing someone's email into a form locks nobody out.
            models.UniqueConstraint(
                fields=["contest", "email"],
                condition=Q(active=True) & Q(confirmed_at__isnull=False),
                name="member_one_team_per_contest",
            ),
            models.UniqueConstraint(fields=["entry", "email"], name="member_once_per_entry"),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(is_leader=True), name="member_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The fields of EntryFile naming its derivatives' objects (the sweeper keeps them, deletes
# remove them with the file).
DERIVATIVE_KEYS = (
    "preview_key",
    "thumbnail_key",
    "judge_key",
    "public_preview_key",
    "public_thumbnail_key",
)


class EntryFile(models.Model):
    """A file of an entry. ``key`` is server-generated; ``display_name`` is display text only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="+")
    slot = models.CharField(_("slot"), max_length=16, choices=FileSlot.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=FileStatus.choices, default=FileStatus.PENDING
    )
    key = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(_("file name"), max_length=120)
    declared_type = models.CharField(max_length=100)
    declared_size = models.BigIntegerField()
    expires_at = models.DateTimeField()
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    quarantine_reason = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    preview_key = models.CharField(max_length=255, blank=True)
    thumbnail_key = models.CharField(max_length=255, blank=True)
    judge_key = models.CharField(max_length=255, blank=True)
    # The public gallery's copies: separate objects under unrelated keys, made at publication
    # (``file_public_copies``), so that no judge can match the keys they saw to a winner.
    public_preview_key = models.CharField(max_length=255, blank=True)
    public_thumbnail_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["entry", "slot", "created_at"]
        constraints = [
            # The same file content cannot be entered twice in a contest.
            models.UniqueConstraint(
                fields=["contest", "sha256"],
                condition=~Q(status=FileStatus.PENDING),
                name="file_unique_content_per_contest",
            ),
            models.CheckConstraint(condition=Q(slot__in=FileSlot.values), name="file_slot_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def object_keys(self) -> list[str]:
        """Every stored object of this file: the original and its derivatives (some empty)."""
        return [self.key, *(getattr(self, name) for name in DERIVATIVE_KEYS)]


class Consent(models.Model):
    """Evidence of a consent: which text version, when, by whom, how they were verified."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=16, choices=ConsentKind.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given"))
    verification_method = models.CharField(
        _("verification"), max_length=16, choices=VerificationChannel.choices, blank=True
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind"], name="consent_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.text_version}"


class GuardianVerification(models.Model):
    """A one-time code sent to a guardian, proving they control the email address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications"
    )
    channel = models.CharField(max_length=16, choices=VerificationChannel.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class EntrantMessage(models.Model):
    """A message from a contest's organizers to the entrant of one entry (``entry``) or to
    every entrant of the contest (``entry`` empty): mailed, and shown on the entry page."""

    contest = models.ForeignKey(
        Contest,
        verbose_name=_("contest"),
        on_delete=models.CASCADE,
        related_name="entrant_messages",
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organizer_messages",
        help_text=_("Empty: to every entrant of the contest."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("emails sent"), default=0)

    class Meta:
        verbose_name = _("message to entrants")
        verbose_name_plural = _("messages to entrants")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["contest", "entry", "sent_at"])]

    def __str__(self) -> str:
        return self.subject
