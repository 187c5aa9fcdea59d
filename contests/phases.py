"""Where a contest stands, and what that allows (DOMAIN §2 "Phases"): the one rule every service
asks, whichever way the request came in (page, API, admin, command, job).

* :func:`contest_phase` — the phase (draft, upcoming, open, closed, judging, results review,
  published, archived) and each round's judging state, from the contest's dates and status, its
  rounds' judging windows and what judging and results know about them (:class:`RoundFacts`,
  :class:`ResultsFacts`: the apps above gather those; this app imports none of them).
* :func:`phase_require` — the guard: returns the :class:`PhaseState`, or raises the refusal of
  ``contests.errors`` that names what is missing (``submissions_open``, ``submissions_closed``,
  ``judging_window_closed``, ``scorecards_outstanding``, ``judging_incomplete``,
  ``allocation_not_approved``, ``results_published``, ``contest_archived``). Services call it
  before they write anything, so a refusal leaves the database as it was.

The table (an action × the phases that allow it) is :data:`ALLOWED`; ``tests/contests/
test_phase_table.py`` holds every service to it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from contests.enums import ContestStatus, RoundKind
from contests.errors import (
    AllocationNotApproved,
    ContestArchived,
    JudgingIncomplete,
    JudgingWindowClosed,
    ResultsPublished,
    ScorecardsOutstanding,
    SubmissionsClosed,
    SubmissionsOpen,
)
from contests.models import Contest, Round
from contests.permissions import submissions_open
from core.errors import DomainError, ValidationFailed

KST = ZoneInfo("Asia/Seoul")


class Phase(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft (not public)")
    UPCOMING = "upcoming", gettext_lazy("Not open yet")
    OPEN = "open", gettext_lazy("Taking entries")
    CLOSED = "closed", gettext_lazy("Submissions closed")
    JUDGING = "judging", gettext_lazy("Judging")
    REVIEW = "review", gettext_lazy("Results review")
    PUBLISHED = "published", gettext_lazy("Results published")
    ARCHIVED = "archived", gettext_lazy("Archived")


class Action(models.TextChoices):
    """What someone may try to do; the label names it in a refusal ("…: after the deadline")."""

    ENTRY_CREATE = "entry_create", gettext_lazy("Entering the contest")
    ENTRY_EDIT = "entry_edit", gettext_lazy("Editing an entry")
    ENTRY_UPLOAD = "entry_upload", gettext_lazy("Uploading or deleting a file")
    ENTRY_SUBMIT = "entry_submit", gettext_lazy("Submitting an entry")
    ENTRY_WITHDRAW = "entry_withdraw", gettext_lazy("Withdrawing an entry")
    ENTRY_SCREEN = "entry_screen", gettext_lazy("Eligibility screening")
    EXTENSION_GRANT = "extension_grant", gettext_lazy("Granting an extension")
    PANEL_EDIT = "panel_edit", gettext_lazy("Changing a panel")
    CONFLICT_RECORD = "conflict_record", gettext_lazy("Recording a conflict of interest")
    ASSIGN = "assign", gettext_lazy("The assignment of judges")
    RECUSE = "recuse", gettext_lazy("A recusal")
    SCORE = "score", gettext_lazy("Scoring")
    UNLOCK = "unlock", gettext_lazy("Unlocking a scorecard")
    REMIND = "remind", gettext_lazy("Reminding the judges")
    RANK = "rank", gettext_lazy("Ranking a round")
    ADVANCE = "advance", gettext_lazy("Marking the advancing entries")
    FINAL_RANK = "final_rank", gettext_lazy("The final ranking")
    ALLOCATE = "allocate", gettext_lazy("The prize allocation")
    APPROVE = "approve", gettext_lazy("Approving the allocation")
    PUBLISH = "publish", gettext_lazy("Publishing the results")
    UNPUBLISH = "unpublish", gettext_lazy("Unpublishing the results")


P = Phase
_BEFORE_RESULTS = {P.DRAFT, P.UPCOMING, P.OPEN, P.CLOSED, P.JUDGING, P.REVIEW}
_AFTER_DEADLINE = {P.CLOSED, P.JUDGING, P.REVIEW}

# Action → the phases in which it may run (further conditions below: the entry's extension,
# the round's window, outstanding scorecards, the approval). Reading is never refused.
ALLOWED: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            Action.ENTRY_CREATE,
            Action.ENTRY_EDIT,
            Action.ENTRY_UPLOAD,
            Action.ENTRY_SUBMIT,
            Action.ENTRY_WITHDRAW,
        ),
        frozenset({P.OPEN}),  # and while the entry's own extension runs (CLOSED, JUDGING)
    ),
    **dict.fromkeys(
        (Action.ENTRY_SCREEN, Action.EXTENSION_GRANT, Action.PANEL_EDIT, Action.CONFLICT_RECORD),
        frozenset(_BEFORE_RESULTS),
    ),
    **dict.fromkeys(
        (Action.ASSIGN, Action.RECUSE, Action.ADVANCE, Action.REMIND), frozenset(_AFTER_DEADLINE)
    ),
    # after publication too: an appeal may unlock a scorecard, have it re-scored and re-ranked
    # (what is published stays frozen until it is unpublished and published again)
    **dict.fromkeys(
        (Action.SCORE, Action.UNLOCK, Action.RANK), frozenset(_AFTER_DEADLINE | {P.PUBLISHED})
    ),
    **dict.fromkeys(
        (Action.FINAL_RANK, Action.ALLOCATE, Action.APPROVE, Action.PUBLISH),
        frozenset({P.REVIEW}),
    ),
    Action.UNPUBLISH: frozenset({P.PUBLISHED}),
}
ENTRANT_ACTIONS = frozenset(a for a, phases in ALLOWED.items() if phases == {P.OPEN})
EXTENSION_PHASES = frozenset({P.CLOSED, P.JUDGING})  # where an entry's own extension still runs


class Window(models.TextChoices):
    NOT_SET = "not_set", gettext_lazy("no judging window set")
    BEFORE = "before", gettext_lazy("judging window not open yet")
    OPEN = "open", gettext_lazy("judging window open")
    AFTER = "after", gettext_lazy("judging window closed")


@dataclass(frozen=True)
class RoundFacts:
    """What judging and results know of one round (gathered above this app)."""

    assigned: int = 0  # active assignments judges can score
    # (judge's name, scorecards not submitted), by name: who still owes what
    outstanding: tuple[tuple[str, int], ...] = ()
    ranked: bool = False
    override_reason: str = ""  # the latest ranking was computed with scorecards outstanding
    advanced: int = 0  # entries marked as advancing from this round

    @property
    def outstanding_total(self) -> int:
        return sum(n for _name, n in self.outstanding)


@dataclass(frozen=True)
class ResultsFacts:
    final_ranked: bool = False
    allocated: bool = False
    approved: bool = False
    published_at: datetime | None = None  # the live publication's
    scheduled_for: datetime | None = None  # a scheduled publication, not yet run


@dataclass(frozen=True)
class RoundState:
    round: Round
    window: str
    facts: RoundFacts

    @property
    def complete(self) -> bool:
        """Every scorecard in (or ranked without some, with the reason recorded). A round
        judged in pairs has no scorecards: it is complete once ranked from its scale (the
        ranking records whether the stopping rule was met, and its pages say so)."""
        f = self.facts
        if self.round.kind == RoundKind.PAIRWISE:
            return f.ranked
        return f.assigned > 0 and (f.outstanding_total == 0 or bool(f.override_reason))


@dataclass(frozen=True)
class PhaseState:
    contest: Contest
    phase: str
    now: datetime
    rounds: tuple[RoundState, ...] = ()
    results: ResultsFacts = field(default_factory=ResultsFacts)

    @property
    def label(self) -> str:
        return str(Phase(self.phase).label)

    @property
    def deadline_passed(self) -> bool:
        return self.phase in _AFTER_DEADLINE | {P.PUBLISHED, P.ARCHIVED}

    @property
    def last_round(self) -> RoundState | None:
        return self.rounds[-1] if self.rounds else None

    def round_state(self, rnd: Round) -> RoundState:
        for state in self.rounds:
            if state.round.pk == rnd.pk:
                return state
        return RoundState(round=rnd, window=round_window(rnd, self.now), facts=RoundFacts())


def kst(when: datetime | None) -> str:
    """A time as users read it in messages: KST, to the second."""
    return timezone.localtime(when, KST).strftime("%Y-%m-%d %H:%M:%S") if when else "—"


def round_window(rnd: Round, now: datetime) -> str:
    """Where ``now`` falls in the round's judging window (an unset bound does not limit)."""
    opens, closes = rnd.judging_opens_at, rnd.judging_closes_at
    if opens is None and closes is None:
        return Window.NOT_SET
    if opens is not None and now < opens:
        return Window.BEFORE
    if closes is not None and now > closes:
        return Window.AFTER
    return Window.OPEN


def _now(now: datetime | None) -> datetime:
    return (now or timezone.now()).replace(microsecond=0)


def contest_phase(
    contest: Contest,
    *,
    now: datetime | None = None,
    rounds: dict[int, RoundFacts] | None = None,
    results: ResultsFacts | None = None,
    round_list: Iterable[Round] | None = None,
) -> PhaseState:
    """The contest's phase at ``now``. ``rounds`` (round id → facts) and ``results`` come from
    judging and results (``results.season`` gathers both); without them the phase follows from
    the dates and the status alone, which is all the guards of entrants, judges and the
    assignment need (no results review without facts). The rounds are read from
    ``contest.rounds.all()`` (prefetch it for lists) or ``round_list``, and only when they
    matter: with facts, or once the deadline has passed — an entrant's upload while
    submissions are open costs no query here."""
    now = _now(now)
    results = results or ResultsFacts()
    phase = _phase_before_rounds(contest, now, results)
    states: tuple[RoundState, ...] = ()
    if phase is None or rounds is not None:
        facts = rounds or {}
        listed = contest.rounds.all() if round_list is None else round_list
        states = tuple(
            RoundState(round=r, window=round_window(r, now), facts=facts.get(r.pk, RoundFacts()))
            for r in sorted(listed, key=lambda r: (r.order, r.pk))
        )
    if phase is None:
        if states and states[-1].complete:
            phase = P.REVIEW
        elif any(r.window == Window.OPEN for r in states):
            phase = P.JUDGING
        else:
            phase = P.CLOSED
    return PhaseState(contest, phase, now, states, results)


def _phase_before_rounds(contest: Contest, now: datetime, results: ResultsFacts) -> str | None:
    """The phase, when the dates and the status decide it alone (None: after the deadline,
    before the results, where the rounds decide)."""
    if contest.status == ContestStatus.DRAFT:
        return P.DRAFT
    if contest.status == ContestStatus.ARCHIVED:
        return P.ARCHIVED
    if results.published_at is not None or contest.status == ContestStatus.PUBLISHED:
        return P.PUBLISHED  # until the appeal window ends: then the daily purge archives it
    if now < contest.opens_at:
        return P.UPCOMING
    if submissions_open(contest, now=now):
        return P.OPEN
    return None


def outcome_visible(contest: Contest) -> bool:
    """Advancement and awards are the entrants' to see from publication on (DOMAIN §2)."""
    return contest.status in (ContestStatus.PUBLISHED, ContestStatus.ARCHIVED)


def phase_allows(contest: Contest, action: str, **kwargs) -> bool:
    """:func:`phase_require` as a predicate (pages: whether to offer a button)."""
    try:
        phase_require(contest, action, **kwargs)
    except DomainError:
        return False
    return True


def entry_window_open(
    contest: Contest, *, extension_until: datetime | None = None, now: datetime | None = None
) -> bool:
    """An entrant may change an entry: submissions are open, or the entry's own recorded
    extension still runs (after the deadline, before the results)."""
    return phase_allows(contest, Action.ENTRY_EDIT, extension_until=extension_until, now=now)


def phase_require(
    contest: Contest,
    action: str,
    *,
    now: datetime | None = None,
    round: Round | None = None,
    extension_until: datetime | None = None,
    rounds: dict[int, RoundFacts] | None = None,
    results: ResultsFacts | None = None,
    override_reason: str = "",
    round_list: Iterable[Round] | None = None,
) -> PhaseState:
    """Allow ``action`` on ``contest`` at ``now``, or raise the refusal that names what is
    missing. ``round``: the round acted on (assignment, scoring, ranking, advancement);
    ``extension_until``: the entry's own deadline (entrants' actions); ``rounds`` and
    ``results``: the facts of :func:`contest_phase` (ranking needs the round's, the final
    ranking, allocation and publication the last round's and the approval);
    ``override_reason``: ranking with scorecards outstanding, on the record."""
    if action in ENTRANT_ACTIONS and round_list is None:
        round_list = ()  # the deadline and the extension decide: no round needs reading
    state = contest_phase(contest, now=now, rounds=rounds, results=results, round_list=round_list)
    phase, now = state.phase, state.now
    detail = {"phase": phase, "action": str(action)}
    if phase == P.ARCHIVED:
        raise ContestArchived(detail=detail)
    if action in ENTRANT_ACTIONS:
        _entrant(state, extension_until, detail)
        return state
    allowed = ALLOWED[action]
    if phase not in allowed:
        _refuse(state, action, detail)
    if action == Action.SCORE and round is not None and phase != P.PUBLISHED:
        _window(state, round, detail)  # published: only what an appeal unlocked is open
    if action == Action.RANK and round is not None:
        _outstanding(state.round_state(round), override_reason, detail)
    if action == Action.PUBLISH and not state.results.approved:
        raise AllocationNotApproved(detail=detail)
    return state


def _entrant(state: PhaseState, extension_until: datetime | None, detail: dict) -> None:
    contest, phase = state.contest, state.phase
    if phase == P.OPEN:
        return
    if extension_until is not None and phase in EXTENSION_PHASES and state.now <= extension_until:
        return
    if phase == P.DRAFT:
        raise SubmissionsClosed(_("This contest does not take entries yet."), detail=detail)
    if phase == P.UPCOMING:
        message = _("Submissions open on %(when)s (KST).") % {"when": kst(contest.opens_at)}
        raise SubmissionsClosed(message, detail={**detail, "opens_at": contest.opens_at})
    if phase == P.PUBLISHED:
        raise SubmissionsClosed(
            _("Submissions closed on %(when)s (KST) and the results are published.")
            % {"when": kst(contest.closes_at)},
            detail={**detail, "closes_at": contest.closes_at},
        )
    message = _("Submissions closed on %(when)s (KST).") % {"when": kst(contest.closes_at)}
    if extension_until is not None:
        message = _("This entry's extension ended on %(when)s (KST).") % {
            "when": kst(extension_until)
        }
    raise SubmissionsClosed(message, detail={**detail, "closes_at": contest.closes_at})


def _refuse(state: PhaseState, action: str, detail: dict) -> None:
    contest, phase = state.contest, state.phase
    what = str(Action(action).label)
    if phase == P.PUBLISHED:
        raise ResultsPublished(detail=detail)
    if action == Action.UNPUBLISH:
        raise ValidationFailed(_("Nothing is published."), code="not_published", detail=detail)
    if phase in (P.DRAFT, P.UPCOMING, P.OPEN):
        raise SubmissionsOpen(
            _("%(action)s can start after the deadline of %(when)s (KST); submissions are open.")
            % {"action": what, "when": kst(contest.closes_at)}
            if phase == P.OPEN
            else _("%(action)s can start after the deadline of %(when)s (KST).")
            % {"action": what, "when": kst(contest.closes_at)},
            detail={**detail, "closes_at": contest.closes_at},
        )
    # CLOSED or JUDGING: what the results review waits for is the last round.
    last = state.last_round
    if last is not None and last.facts.outstanding_total:
        raise _outstanding_error(last, detail, what=what)
    name = last.round.name if last is not None else ""
    raise JudgingIncomplete(
        _("%(action)s waits for %(round)s to be judged: assign its judges and collect every "
          "scorecard (or rank it with a recorded reason).")
        % {"action": what, "round": name},
        detail={**detail, "round": last.round.code if last is not None else None},
    )  # fmt: skip


def _window(state: PhaseState, rnd: Round, detail: dict) -> None:
    window = round_window(rnd, state.now)
    if window in (Window.OPEN, Window.NOT_SET):
        return
    detail = {
        **detail,
        "round": rnd.code,
        "opens_at": rnd.judging_opens_at,
        "closes_at": rnd.judging_closes_at,
    }
    if window == Window.BEFORE:
        message = _("Judging of %(round)s opens on %(when)s (KST).") % {
            "round": rnd.name,
            "when": kst(rnd.judging_opens_at),
        }
    else:
        message = _("Judging of %(round)s closed on %(when)s (KST).") % {
            "round": rnd.name,
            "when": kst(rnd.judging_closes_at),
        }
    raise JudgingWindowClosed(message, detail=detail)


def outstanding_text(outstanding: Iterable[tuple[str, int]]) -> str:
    """ "3 judges have not submitted 7 scorecards yet: 김 (3), 이 (2), 박 (2)."""
    rows = list(outstanding)
    judges = len(rows)
    cards = sum(n for _name, n in rows)
    names = ", ".join(f"{name} ({n})" for name, n in rows)
    return _("%(judges)s have not submitted %(cards)s yet: %(names)s.") % {
        "judges": ngettext("%(n)d judge", "%(n)d judges", judges) % {"n": judges},
        "cards": ngettext("%(n)d scorecard", "%(n)d scorecards", cards) % {"n": cards},
        "names": names,
    }


def _outstanding_error(state: RoundState, detail: dict, *, what: str = "") -> ScorecardsOutstanding:
    f = state.facts
    sentence = outstanding_text(f.outstanding)
    message = (
        _("%(round)s: %(who)s") % {"round": state.round.name, "who": sentence}
        if not what
        else _("%(action)s waits for %(round)s: %(who)s")
        % {"action": what, "round": state.round.name, "who": sentence}
    )
    return ScorecardsOutstanding(
        message,
        detail={
            **detail,
            "round": state.round.code,
            "outstanding": f.outstanding_total,
            "judges": [{"name": name, "outstanding": n} for name, n in f.outstanding],
        },
    )


def _outstanding(state: RoundState, override_reason: str, detail: dict) -> None:
    if not state.facts.outstanding_total or (override_reason or "").strip():
        return
    error = _outstanding_error(state, detail)
    error.message = _(
        "%(message)s Rank when every scorecard is in, or give the reason for ranking without "
        "them (it is recorded and shown with the ranking)."
    ) % {"message": error.message}
    raise error
