"""Reads of what follows publication (DOMAIN §8), and who may see them: an entrant's feedback
and certificates (their own entry only, once published), the public verification of a serial,
the organizer's lists (comments to share, appeals, certificates) and the publication history.

Rules decided here (also in README "After the results" and docs/security.md):

* Feedback is the entry **owner's** only (organizers have their own pages), only while the
  results are published and only if the contest shares scores (``Contest.share_scores``).
* A round's per-criterion means of an entry are shown only when at least
  :data:`FEEDBACK_MIN_JUDGES` judges scored it: with one or two, the mean would be (or, with
  the judge's own card in hand, reveal) a single judge's scores. The round's mean is shown only
  over at least :data:`FEEDBACK_MIN_ENTRIES` entries, so "my mean vs the round's" never gives
  away another entry's scores.
* Rank bands are coarse (top 10 / 25 / 50 %, "advanced to round 2", the award) and only among
  at least :data:`BAND_MIN_RANKED` ranked entries: never the exact rank unless awarded.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language, gettext

from contests.enums import Track
from contests.models import Contest
from contests.permissions import is_contest_organizer
from core.errors import NotFound
from judging.enums import ScorecardStatus
from judging.models import Scorecard
from results.certificates import serial_normalize
from results.enums import APPEAL_OPEN, AppealStatus, CommentShareStatus
from results.models import (
    Appeal,
    Certificate,
    CertificateBatch,
    CertificateDesign,
    EntryFeedback,
    FeedbackRound,
    Publication,
)
from results.selectors import publication_live
from submissions.enums import EntryStatus
from submissions.models import Entry

FEEDBACK_MIN_JUDGES = 3
FEEDBACK_MIN_ENTRIES = 5
BAND_MIN_RANKED = 10
BANDS = (10, 25, 50)  # percent
APPEALABLE = (EntryStatus.AWARDED, EntryStatus.NOT_AWARDED, EntryStatus.INELIGIBLE)


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def _name(ko: str, en: str) -> str:
    return en if _english() and en else ko


# ---- the appeal window ----------------------------------------------------------------------


def appeal_window_closes_at(contest: Contest) -> datetime | None:
    """The end of the appeal window: ``appeal_window_days`` after the contest's *first*
    publication (a republication after appeals does not extend it); None before any."""
    first = Publication.objects.filter(contest=contest).order_by("published_at", "id").first()
    if first is None:
        return None
    return first.published_at + timedelta(days=contest.appeal_window_days)


def appeal_window_open(contest: Contest, *, now: datetime | None = None) -> bool:
    """Appeals may be filed: the results are published and the window has not ended."""
    if publication_live(contest) is None:
        return False
    closes = appeal_window_closes_at(contest)
    return closes is not None and (now or timezone.now()) <= closes


def appeals_open_exist(contest: Contest) -> bool:
    return Appeal.objects.filter(contest=contest, status__in=APPEAL_OPEN).exists()


# ---- feedback -------------------------------------------------------------------------------


@dataclass
class Feedback:
    entry: Entry
    publication: Publication
    gentle: bool  # Track D: written for parents
    band: str
    rounds: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)


def _band_label(band: dict, rounds: dict, gentle: bool) -> str:
    kind = band.get("kind")
    round_name = rounds.get(str(band.get("round")), {}).get("name", "")
    if kind == "award":
        tier = _name(band.get("tier", ""), band.get("tier_en", ""))
        if band.get("joint"):
            tier = gettext("%(tier)s (joint)") % {"tier": tier}
        if gentle:
            return gettext("Congratulations on the %(tier)s!") % {"tier": tier}
        return gettext("Awarded: %(tier)s") % {"tier": tier}
    if kind == "advanced":
        if gentle:
            return gettext("Your child's drawing went on to the %(round)s.") % {"round": round_name}
        return gettext("Advanced to %(round)s") % {"round": round_name}
    if kind == "top":
        values = {"round": round_name, "percent": band.get("percent")}
        if gentle:
            return (
                gettext("Your child's drawing was among the top %(percent)s %% in the %(round)s.")
                % values
            )
        return gettext("Top %(percent)s %% in %(round)s") % values
    if gentle:
        return gettext(
            "Thank you for sending us your child's drawing. Several judges looked at every "
            "drawing carefully."
        )
    return gettext("Took part (outside the top half)")


def feedback_shown(*, entry: Entry, user) -> bool:
    """Whether ``user`` may read ``entry``'s feedback now (without loading it)."""
    return (
        getattr(user, "is_authenticated", False)
        and entry.owner_id == user.pk
        and entry.contest.share_scores
    )


def feedback_for(*, user, entry: Entry) -> Feedback:
    """The owner's feedback of the live publication; NotFound for anyone else, before
    publication, when the contest does not share scores, or for an entry never judged."""
    if not feedback_shown(entry=entry, user=user):
        raise NotFound()
    live = publication_live(entry.contest)
    if live is None:
        raise NotFound()
    row = EntryFeedback.objects.filter(publication=live, entry=entry).first()
    if row is None:
        raise NotFound()
    gentle = entry.contest.track == Track.DRAWING
    frozen = {
        str(r.round_id): r for r in FeedbackRound.objects.filter(publication=live).order_by("order")
    }
    names = {k: {"name": _name(r.name_ko, r.name_en)} for k, r in frozen.items()}
    rounds = []
    for key, r in frozen.items():
        mine = row.rounds.get(key)
        if mine is None:
            continue
        means = mine.get("means")
        criteria = []
        for c in r.criteria:
            top = c["max_points"] or 1
            own = means.get(c["code"]) if means else None
            criteria.append(
                {
                    "code": c["code"],
                    "name": _name(c["name_ko"], c.get("name_en", "")),
                    "max_points": c["max_points"],
                    "mean": own,
                    "round_mean": c.get("mean"),
                    "pct": None if own is None else round(100 * own / top, 1),
                    "round_pct": None if c.get("mean") is None else round(100 * c["mean"] / top, 1),
                }
            )
        rounds.append(
            {
                "round_id": r.round_id,
                "name": names[key]["name"],
                "judges": mine.get("judges", 0),
                "shown": means is not None,
                "round_means": any(c["round_mean"] is not None for c in criteria),
                "criteria": criteria,
            }
        )
    comments = [
        {"round": names.get(str(c["round"]), {}).get("name", ""), "text": c["text"]}
        for c in row.comments
    ]
    return Feedback(
        entry=entry,
        publication=live,
        gentle=gentle,
        band=_band_label(row.band, names, gentle),
        rounds=rounds,
        comments=comments,
    )


def comments_for_review(contest: Contest, status: str = "") -> QuerySet[Scorecard]:
    """The submitted scorecards of ``contest`` with a comment, for the organizer's one list
    (the caller checked the organizer), in round and receipt order; ``status``: pending (never
    reviewed, or changed by the judge since), approved or hidden. ``share`` is joined."""
    qs = (
        Scorecard.objects.filter(round__contest=contest, status=ScorecardStatus.SUBMITTED)
        .exclude(comment="")
        .select_related("round", "entry", "judge", "share")
        .order_by("round__order", "entry__receipt_number", "pk")
    )
    current = Q(share__source=F("comment"))
    if status == CommentShareStatus.PENDING:
        qs = qs.filter(Q(share__isnull=True) | Q(share__status=status) | ~current)
    elif status in (CommentShareStatus.APPROVED, CommentShareStatus.HIDDEN):
        qs = qs.filter(current, share__status=status)
    return qs


def comment_state(card: Scorecard) -> str:
    """pending / approved / hidden of one listed scorecard (``share`` joined)."""
    share = getattr(card, "share", None)
    if share is None or share.source != card.comment:
        return CommentShareStatus.PENDING
    return share.status


# ---- certificates ---------------------------------------------------------------------------


def certificates_of_entry(*, user, entry: Entry) -> list[Certificate]:
    """The live certificates of an entry its owner (or the contest's organizer) may download."""
    if not (
        (getattr(user, "is_authenticated", False) and entry.owner_id == user.pk)
        or is_contest_organizer(user, entry.contest)
    ):
        return []
    return list(
        Certificate.objects.filter(entry=entry, revoked_at__isnull=True)
        .exclude(recipient_name="")
        .order_by("kind", "recipient_key")
    )


def certificate_of_entry(*, user, entry: Entry, serial: str | None) -> Certificate:
    """One downloadable certificate of the entry (``serial``, or the first: the award before
    the participation); NotFound otherwise."""
    found = certificates_of_entry(user=user, entry=entry)
    if serial:
        canonical = serial_normalize(text=serial)
        found = [c for c in found if c.serial == canonical]
    if not found:
        raise NotFound()
    return found[0]


def certificate_design(contest: Contest) -> CertificateDesign | None:
    return CertificateDesign.objects.filter(contest=contest).first()


def certificate_summary(contest: Contest) -> dict:
    """Counts for the organizer: live by kind, revoked, and the last batch."""
    counts = {
        (row["kind"], row["revoked"]): row["n"]
        for row in Certificate.objects.filter(contest=contest)
        .values("kind", revoked=Q(revoked_at__isnull=False))
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        "award": counts.get(("award", False), 0),
        "participation": counts.get(("participation", False), 0),
        "revoked": counts.get(("award", True), 0) + counts.get(("participation", True), 0),
        "batch": CertificateBatch.objects.filter(contest=contest).select_related("job").first(),
    }


@dataclass(frozen=True)
class Verification:
    """What the public verification page says about a serial."""

    status: str  # "valid" | "revoked" | "unknown"
    serial: str  # canonical when it parses, else what was typed
    contest: str = ""
    kind: str = ""
    award: str = ""
    name: str = ""
    issued_on: date | None = None
    revoked_at: datetime | None = None


def certificate_verify(text: str) -> Verification:
    """Look a serial up as typed or scanned (case, spaces, O/0 and I/1 do not matter). Says
    only the contest, the kind, the award and the masked name."""
    canonical = serial_normalize(text=text or "")
    if canonical is None:
        return Verification(status="unknown", serial=(text or "").strip()[:60])
    cert = Certificate.objects.filter(serial=canonical).select_related("contest").first()
    if cert is None:
        return Verification(status="unknown", serial=canonical)
    award = ""
    if cert.kind == "award":
        award = _name(cert.tier_name, cert.tier_name_en)
    return Verification(
        status="revoked" if cert.revoked_at else "valid",
        serial=canonical,
        contest=cert.contest.title,
        kind=cert.get_kind_display(),
        award=award,
        name=cert.recipient_masked,
        issued_on=cert.issued_on,
        revoked_at=cert.revoked_at,
    )


# ---- appeals --------------------------------------------------------------------------------


def appeal_of_entry(*, user, entry: Entry) -> Appeal | None:
    if not (getattr(user, "is_authenticated", False) and entry.owner_id == user.pk):
        return None
    return Appeal.objects.filter(entry=entry).first()


def appeals_for_review(contest: Contest, status: str = "") -> QuerySet[Appeal]:
    """The contest's appeals, open ones first (the caller checked the organizer)."""
    qs = Appeal.objects.filter(contest=contest).select_related("entry", "entry__division")
    if status in AppealStatus.values:
        qs = qs.filter(status=status)
    closed = Case(When(status__in=APPEAL_OPEN, then=Value(0)), default=Value(1))
    return qs.order_by(closed, "filed_at", "id")  # open first


def appeal_managed_get(contest: Contest, appeal_id) -> Appeal:
    try:
        return Appeal.objects.select_related("entry", "entry__division", "publication").get(
            contest=contest, pk=int(appeal_id)
        )
    except (Appeal.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


# ---- publication history --------------------------------------------------------------------


def publication_history(contest: Contest) -> list[dict]:
    """Every version of the contest's results, newest first, with why each replaced the one
    before: the appeals it reflects, or the reason the previous version was withdrawn. Two
    queries."""
    versions = list(
        Publication.objects.filter(contest=contest)
        .order_by("-version")
        .values(
            "id", "version", "published_at", "unpublished_at", "unpublish_reason", "supersedes_id"
        )
    )
    resolved = dict(
        Appeal.objects.filter(contest=contest, resolved_in__isnull=False)
        .values_list("resolved_in")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_id = {v["id"]: v for v in versions}
    for v in versions:
        v["appeals"] = resolved.get(v["id"], 0)
        earlier = by_id.get(v["supersedes_id"])
        if v["appeals"]:
            v["why"] = gettext("appeal results reflected")
        else:
            v["why"] = earlier["unpublish_reason"] if earlier else ""
    return versions


def publication_versions(contest: Contest) -> dict:
    """The API's view of the history: the live version and every version's dates and why."""
    versions = publication_history(contest)
    live = next((v for v in versions if v["unpublished_at"] is None), None)
    return {
        "version": live["version"] if live else None,
        "history": [
            {
                "version": v["version"],
                "published_at": v["published_at"],
                "unpublished_at": v["unpublished_at"],
                "reason": v["why"],
                "appeals": v["appeals"],
            }
            for v in versions
        ],
    }
