"""What may change in a contest's settings, and when (DOMAIN §2 "Phases"): the rule the admin's
forms, inlines and deletions ask — the settings have no other way in but the seeding commands.

The phase moves only through the actions that own it (publishing, unpublishing, the purge that
archives); the settings that entries, scorecards and results already stand on stop changing
when those exist:

* a contest's **status** moves between draft and open only — and back to draft only while it has
  no entry; publication and archiving are actions with their own checks, never a field;
* **opening time, track and receipt numbering** change until submissions open;
* the **deadline** changes until it passes (to a time still ahead); after it, an entrant's own
  extension is the way (``submissions_open``/``submissions_closed`` stay the calendar's);
* the **structure** entries and scorecards stand on — divisions (code, birth years), rounds
  (added or removed, code, judges per entry, kind of judging) and criteria (added or removed,
  code, points) — changes until the deadline; names, descriptions, order, ranking settings
  and judging windows stay editable;
* nothing changes while the results are published (unpublish first) or once archived.
"""

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.enums import ContestStatus
from contests.errors import ContestArchived, ResultsPublished, SubmissionsClosed
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from core.errors import ValidationFailed

# The fields entries and scorecards stand on, per model: fixed from the deadline on.
STRUCTURE: dict[type[Model], frozenset[str]] = {
    Division: frozenset({"contest", "code", "birth_year_min", "birth_year_max"}),
    # a round's kind: scorecards or comparisons stand on it
    Round: frozenset({"contest", "code", "order", "judges_per_entry", "kind"}),
    Criterion: frozenset({"round", "code", "max_points"}),
    PrizeTier: frozenset(),
    Contest: frozenset(),
}
BEFORE_OPENING = frozenset({"opens_at", "track", "receipt_prefix", "receipt_digits"})
EDITABLE_STATUSES = (ContestStatus.DRAFT, ContestStatus.OPEN)


def settings_change_require(
    *,
    contest: Contest,
    model: type[Model],
    fields: Collection[str] = (),
    adding: bool = False,
    deleting: bool = False,
    values: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Allow a change of ``model`` (a contest, or one of its divisions, rounds, criteria or
    prize tiers) in ``contest`` as it is stored, or raise the refusal that says why and what to
    do instead. ``fields``: the fields the change touches; ``adding``/``deleting`` a row;
    ``values``: the new values (the contest's status and deadline are checked against them)."""
    if not (fields or adding or deleting):
        return  # saving a form unchanged changes nothing
    now = now or timezone.now()
    values = values or {}
    if contest.status == ContestStatus.ARCHIVED:
        raise ContestArchived()
    if contest.status == ContestStatus.PUBLISHED:
        raise ResultsPublished(
            _("The results are published: the contest's settings are frozen with them. "
              "Unpublish them first (the reason is recorded).")
        )  # fmt: skip
    if model is Contest:
        _contest_fields(contest, set(fields), values, now)
        return
    shape = STRUCTURE[model]  # prize tiers have none: they change until publication
    structural = bool(shape) and (adding or deleting or bool(shape & set(fields)))
    if structural and _deadline_passed(contest, now):
        raise SubmissionsClosed(
            _("The deadline has passed: entries and scorecards stand on the divisions, rounds "
              "and criteria as they are. Names, descriptions, ranking settings and judging "
              "windows can still change."),
            detail={"fields": sorted(STRUCTURE[model] & set(fields)) or ["__all__"]},
        )  # fmt: skip


def _deadline_passed(contest: Contest, now: datetime) -> bool:
    return contest.status != ContestStatus.DRAFT and now >= contest.closes_at


def _contest_fields(contest: Contest, fields: set[str], values: Mapping, now: datetime) -> None:
    if "status" in fields:
        _status(contest, values.get("status"))
    opened = contest.status != ContestStatus.DRAFT and now >= contest.opens_at
    if fields & BEFORE_OPENING and opened:
        raise ValidationFailed(
            _("Submissions have opened: the opening time, the track and the receipt numbers "
              "can no longer change."),
            code="submissions_started",
            detail={name: [_("Fixed once submissions open.")] for name in fields & BEFORE_OPENING},
        )  # fmt: skip
    if "closes_at" in fields:
        if _deadline_passed(contest, now):
            raise SubmissionsClosed(
                _("The deadline has passed and cannot be moved. Grant an entry its own extension "
                  "from its page instead."),
                detail={"closes_at": [_("The deadline has passed.")]},
            )  # fmt: skip
        new = values.get("closes_at")
        if new is not None and new <= now:
            raise ValidationFailed(
                _("A new deadline must be in the future."),
                code="deadline_in_past",
                detail={"closes_at": [_("A new deadline must be in the future.")]},
            )


def _status(contest: Contest, new: str | None) -> None:
    if contest.status not in EDITABLE_STATUSES or new not in EDITABLE_STATUSES:
        raise ValidationFailed(
            _("Only 'draft' and 'open' are chosen here. Results are published and unpublished "
              "from the contest's results page, which checks that everything is ready."),
            code="status_by_actions",
            detail={"status": [_("Choose draft or open.")]},
        )  # fmt: skip
    if new == ContestStatus.DRAFT and contest.entries.exists():
        raise ValidationFailed(
            _("The contest has entries: it cannot go back to draft (its entrants would lose it)."),
            code="contest_has_entries",
            detail={"status": [_("The contest has entries.")]},
        )
