"""The organizer's season as a checklist (접수 → 적격 심사 → 1차 배정 → 1차 심사 → 1차 순위·진출 →
… → 배분 → 승인 → 미리보기 → 공개 → 이의신청 기간): each step says what is done, what is missing
and the one next action. Read from the phase rule's facts (``results.season``), so the
checklist and the guards cannot disagree: a button the checklist offers is one the services
accept, and a step it calls blocked is one they refuse, for the same reason.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contests.enums import RoundKind
from contests.models import Contest, Round
from contests.phases import Phase, PhaseState, RoundState, Window, kst, outstanding_text
from judging.models import Assignment, PanelMember
from judging.scale import latest_scale, stopping_text
from judging.selectors import round_entries
from results.models import Allocation, Publication
from results.season import SeasonFacts, contest_season, season_facts
from results.services import certainty
from submissions.enums import EntryStatus
from submissions.models import Entry

DONE, CURRENT, WAITING, LATER = "done", "current", "waiting", "later"


@dataclass
class StepAction:
    label: str
    url: str
    post: dict | None = None  # a form's hidden fields: the action is a POST
    primary: bool = False


@dataclass
class Step:
    key: str
    title: str
    state: str = LATER  # done, current (the next thing to do), waiting (for time), later
    done: list[str] = field(default_factory=list)  # what is done, in words
    missing: list[str] = field(default_factory=list)  # what is missing, in words
    actions: list[StepAction] = field(default_factory=list)
    round: Round | None = None

    @property
    def is_done(self) -> bool:
        return self.state == DONE


@dataclass
class Season:
    contest: Contest
    phase: PhaseState
    steps: list[Step]
    facts: SeasonFacts

    @property
    def current(self) -> Step | None:
        """The step of the one next action (``_one_current``)."""
        found = next((s for s in self.steps if s.state == CURRENT), None)
        return found or next((s for s in self.steps if s.state == WAITING), None)

    @property
    def next_action(self) -> StepAction | None:
        step = self.current
        return next((a for a in step.actions if a.primary), None) if step else None

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    @property
    def ready_to_publish(self) -> bool:
        return all(s.is_done for s in self.steps if s.key not in ("preview", "publish", "appeals"))


def _counts(contest: Contest) -> dict[str, int]:
    rows = Entry.objects.filter(contest=contest).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def _round_coverage(rnd: Round) -> tuple[int, int]:
    """(entries of the round with a judge assigned, entries the round judges without one)."""
    assigned = Assignment.objects.filter(round=rnd, recused_at__isnull=True).values("entry_id")
    entries = round_entries(rnd)
    if rnd.order == 1:
        entries = entries.exclude(extension_until__gt=timezone.now())  # as the assignment
    covered = Entry.objects.filter(pk__in=assigned).count()
    return covered, entries.exclude(pk__in=assigned).count()


def _urls(contest: Contest) -> dict[str, str]:
    slug = contest.slug
    return {
        "entries": reverse("organizer-entries", args=[slug]),
        "results": reverse("organizer-results", args=[slug]),
        "preview": reverse("organizer-results-preview", args=[slug]),
        "public": reverse("contest-results", args=[slug]),
    }


def _submissions_step(contest: Contest, state: PhaseState, counts: dict, urls) -> Step:
    step = Step("submissions", _("Submissions"))
    submitted = sum(n for s, n in counts.items() if s not in ("draft", "withdrawn"))
    drafts = counts.get("draft", 0)
    step.done.append(
        ngettext("%(n)d entry submitted", "%(n)d entries submitted", submitted) % {"n": submitted}
    )
    if drafts:
        step.done.append(
            ngettext("%(n)d draft not submitted", "%(n)d drafts not submitted", drafts)
            % {"n": drafts}
        )
    if state.phase in (Phase.DRAFT, Phase.UPCOMING, Phase.OPEN):
        step.state = WAITING
        step.missing.append(
            _("Submissions close on %(when)s (KST); judging starts after that.")
            % {"when": kst(contest.closes_at)}
        )
        step.actions.append(StepAction(_("See the entries"), urls["entries"], primary=True))
    else:
        step.state = DONE
        step.done.append(_("Closed on %(when)s (KST).") % {"when": kst(contest.closes_at)})
    return step


def _screening_step(counts: dict, urls, deadline_passed: bool) -> Step:
    """Screening is the organizer's work while entries come in; after the deadline it never
    blocks the season (unscreened entries are judged like eligible ones), it only says so."""
    step = Step("screening", _("Eligibility screening"))
    pending = counts.get(EntryStatus.SUBMITTED, 0)
    eligible = counts.get(EntryStatus.ELIGIBLE, 0)
    ineligible = counts.get(EntryStatus.INELIGIBLE, 0)
    if eligible or ineligible:
        step.done.append(
            _("%(ok)d eligible, %(no)d ineligible") % {"ok": eligible, "no": ineligible}
        )
    step.state = CURRENT if pending and not deadline_passed else DONE
    if pending:
        waiting = ngettext(
            "%(n)d entry not screened yet", "%(n)d entries not screened yet", pending
        ) % {"n": pending}
        if step.state == DONE:
            step.done.append(
                waiting + " — " + _("Unscreened entries are judged like eligible ones.")
            )
        else:
            step.missing.append(waiting)
        step.actions.append(
            StepAction(_("Screen the entries"), f"{urls['entries']}?screening=pending")
        )
    return step


def _panel_step(rnd: Round, state: PhaseState, prev_done: bool) -> Step:
    """A round judged in pairs assigns nothing: its panel as a whole compares the entries."""
    step = Step(f"assign-{rnd.pk}", _("%(round)s: panel") % {"round": rnd.name}, round=rnd)
    url = reverse("organizer-round", args=[rnd.contest.slug, rnd.pk])
    judges = PanelMember.objects.filter(round=rnd).count()
    step.done.append(
        _("Judged in pairs (comparative judgement): no assignment per entry is needed.")
    )
    if judges:
        step.done.append(
            ngettext("%(n)d judge on the panel", "%(n)d judges on the panel", judges)
            % {"n": judges}
        )
    if not state.deadline_passed:
        step.state = LATER
        return step
    if not judges:
        step.state = CURRENT if prev_done else LATER
        step.missing.append(_("No judge on the panel yet."))
        step.actions.append(StepAction(_("Panel and assignment"), url, primary=True))
        return step
    step.state = DONE
    return step


def _pairs_step(rnd: Round, rs: RoundState, prev_done: bool) -> Step:
    """Comparative judgement: the stopping rule in words (from the last fit, no refit here)
    and the page with SSR, comparisons per entry and the judges' infit."""
    step = Step(f"judge-{rnd.pk}", _("%(round)s: judging") % {"round": rnd.name}, round=rnd)
    url = reverse("organizer-scale", args=[rnd.contest.slug, rnd.pk])
    if rnd.judging_opens_at or rnd.judging_closes_at:
        step.done.append(
            _("Judging window: %(opens)s – %(closes)s (KST)")
            % {"opens": kst(rnd.judging_opens_at), "closes": kst(rnd.judging_closes_at)}
        )
    scale = latest_scale(rnd)
    if scale is not None:
        (step.done if scale.complete else step.missing).append(stopping_text(scale))
    if rs.facts.ranked or (scale is not None and scale.complete):
        step.state = DONE
    else:
        step.state = (WAITING if rs.window == Window.BEFORE else CURRENT) if prev_done else LATER
    step.actions.append(
        StepAction(_("Reliability and the scale"), url, primary=step.state == CURRENT)
    )
    return step


def _assignment_step(rnd: Round, rs: RoundState, state: PhaseState, prev_done: bool) -> Step:
    if rnd.kind == RoundKind.PAIRWISE:
        return _panel_step(rnd, state, prev_done)
    title = _("%(round)s: assignment") % {"round": rnd.name}
    step = Step(f"assign-{rnd.pk}", title, round=rnd)
    url = reverse("organizer-round", args=[rnd.contest.slug, rnd.pk])
    covered, missing = _round_coverage(rnd)
    total = covered + missing
    if covered:
        step.done.append(
            ngettext(
                "%(k)d of %(n)d entry has its judges",
                "%(k)d of %(n)d entries have their judges",
                total,
            )
            % {"k": covered, "n": total}
        )
    if not state.deadline_passed:
        step.state = LATER
        step.missing.append(_("The assignment runs after the submission deadline."))
        return step
    if rnd.order > 1 and not total:
        step.state = LATER if not prev_done else CURRENT
        step.missing.append(_("No entry has advanced to this round yet."))
        return step
    if missing or not total:
        step.state = CURRENT if prev_done else LATER
        step.missing.append(
            ngettext("%(n)d entry has no judges yet", "%(n)d entries have no judges yet", missing)
            % {"n": missing}
            if total
            else _("No entries to assign.")
        )
        step.actions.append(StepAction(_("Panel and assignment"), url, primary=True))
        return step
    step.state = DONE
    step.actions.append(StepAction(_("Panel and assignment"), url))
    return step


def _judging_step(rnd: Round, rs: RoundState, facts: SeasonFacts, prev_done: bool) -> Step:
    if rnd.kind == RoundKind.PAIRWISE:
        return _pairs_step(rnd, rs, prev_done)
    step = Step(f"judge-{rnd.pk}", _("%(round)s: judging") % {"round": rnd.name}, round=rnd)
    url = reverse("organizer-round", args=[rnd.contest.slug, rnd.pk])
    owed = facts.owed.get(rnd.pk, [])
    assigned = sum(j.assigned for j in owed)
    submitted = sum(j.submitted for j in owed)
    window = rs.window
    if rnd.judging_opens_at or rnd.judging_closes_at:
        step.done.append(
            _("Judging window: %(opens)s – %(closes)s (KST)")
            % {"opens": kst(rnd.judging_opens_at), "closes": kst(rnd.judging_closes_at)}
        )
    if assigned:
        step.done.append(_("%(n)d of %(m)d scorecards submitted") % {"n": submitted, "m": assigned})
    if not assigned:
        step.state = LATER
        return step
    outstanding = rs.facts.outstanding
    if not outstanding:
        step.state = DONE
        return step
    if rs.facts.override_reason:
        step.state = DONE
        step.done.append(
            _("Ranked without them; reason: %(reason)s") % {"reason": rs.facts.override_reason}
        )
    else:
        step.state = (WAITING if window == Window.BEFORE else CURRENT) if prev_done else LATER
    step.missing.append(outstanding_text(outstanding))
    if window == Window.BEFORE:
        step.missing.append(
            _("The judging window opens on %(when)s (KST).") % {"when": kst(rnd.judging_opens_at)}
        )
    elif window == Window.AFTER:
        step.missing.append(
            _("The judging window closed on %(when)s (KST): extend it in the administration to "
              "let the judges finish, or rank with a recorded reason.")
            % {"when": kst(rnd.judging_closes_at)}
        )  # fmt: skip
    if step.state != DONE:
        step.actions.append(
            StepAction(
                _("Remind the judges"),
                url,
                post={"action": "remind"},
                primary=window == Window.OPEN,
            )
        )
        step.actions.append(StepAction(_("Progress per judge"), url))
    return step


def _ranking_step(rnd: Round, rs: RoundState, last: bool, urls, prev_done: bool) -> Step:
    title = (_("%(round)s: ranking") if last else _("%(round)s: ranking and advancement")) % {
        "round": rnd.name
    }
    step = Step(f"rank-{rnd.pk}", title, round=rnd)
    anchor = f"{urls['results']}#round-{rnd.pk}"
    advances = rnd.advance_count is not None or rnd.advance_percent is not None
    if rs.facts.ranked:
        step.done.append(_("Ranked."))
    if advances and rs.facts.advanced:
        step.done.append(
            ngettext("%(n)d entry advances", "%(n)d entries advance", rs.facts.advanced)
            % {"n": rs.facts.advanced}
        )
    finished = rs.facts.ranked and (rs.facts.advanced or not advances or last)
    if finished:
        step.state = DONE
        return step
    judged = rs.facts.assigned or rnd.kind == RoundKind.PAIRWISE  # pairs: the panel judges
    step.state = CURRENT if prev_done and judged else LATER
    if not rs.facts.ranked:
        step.missing.append(_("The round is not ranked yet."))
        step.actions.append(StepAction(_("Rank the round"), anchor, primary=True))
    else:
        step.missing.append(_("The advancing entries are not marked yet."))
        step.actions.append(StepAction(_("Mark the advancing entries"), anchor, primary=True))
    return step


def contest_steps(contest: Contest) -> Season:
    """The checklist of ``contest`` (expects ``contest.rounds`` readable; a few queries per
    round, whatever the number of entries)."""
    facts = season_facts(contest)
    state = contest_season(contest, facts=facts)
    counts = _counts(contest)
    urls = _urls(contest)
    steps = [_submissions_step(contest, state, counts, urls)]
    steps.append(_screening_step(counts, urls, state.deadline_passed))
    prev_done = state.deadline_passed
    for i, rs in enumerate(state.rounds):
        rnd = rs.round
        rnd.contest = contest
        last = i == len(state.rounds) - 1
        assign = _assignment_step(rnd, rs, state, prev_done)
        judge = _judging_step(rnd, rs, facts, prev_done and assign.is_done)
        rank = _ranking_step(rnd, rs, last, urls, prev_done and judge.is_done)
        steps += [assign, judge, rank]
        prev_done = prev_done and rank.is_done
    steps += _results_steps(contest, state, facts, urls, prev_done)
    _one_current(steps)
    return Season(contest=contest, phase=state, steps=steps, facts=facts)


def _contested(allocation: Allocation | None) -> bool:
    """An allocation whose final ranking has contested prize boundaries not yet acknowledged."""
    if allocation is None or allocation.boundaries_acknowledged_at is not None:
        return False
    return bool(certainty.contested_boundaries(allocation.ranking))


def _results_steps(contest, state: PhaseState, facts: SeasonFacts, urls, ready: bool):
    r = facts.results
    allocation = Allocation.objects.filter(contest=contest).first()
    allocate = Step("allocate", _("Final ranking and prize allocation"))
    approve = Step("approve", _("Approval"))
    preview = Step("preview", _("Preview"))
    publish = Step("publish", _("Publication"))
    appeals = Step("appeals", _("Appeal window"))
    published = state.phase in (Phase.PUBLISHED, Phase.ARCHIVED)
    if r.final_ranked:
        allocate.done.append(_("Final ranking computed."))
    if allocation is not None:
        allocate.done.append(
            _("%(awarded)s KRW awarded of %(total)s KRW")
            % {"awarded": f"{allocation.awarded_total:,}", "total": f"{allocation.tiers_total:,}"}
        )
    if r.allocated and (r.approved or allocation.ranking_id == _final_id(contest)):
        allocate.state = DONE
    else:
        allocate.state = CURRENT if ready else LATER
        allocate.missing.append(
            _("Compute the final ranking, then allocate the prizes.")
            if not r.final_ranked
            else _("Allocate the prizes from the latest final ranking.")
        )
        allocate.actions.append(
            StepAction(_("Final ranking and prizes"), f"{urls['results']}#final", primary=True)
        )
    if r.approved:
        approve.state = DONE
        approve.done.append(
            _("Approved on %(when)s (KST).") % {"when": kst(allocation.approved_at)}
        )
    else:
        approve.state = CURRENT if allocate.is_done else LATER
        if _contested(allocation):  # the approval waits for the organizer's word on them
            approve.missing.append(
                _(
                    "Some entries' rank intervals cross a prize boundary: confirm the order or "
                    "record the judges' deliberation."
                )
            )
            approve.actions.append(
                StepAction(
                    _("Contested prize boundaries"), f"{urls['results']}#boundaries", primary=True
                )
            )
        else:
            approve.missing.append(_("Check the allocation and approve it."))
            approve.actions.append(
                StepAction(_("Check and approve"), f"{urls['results']}#allocation", primary=True)
            )
    if published or r.scheduled_for:
        preview.state = DONE
    else:
        preview.state = CURRENT if approve.is_done else LATER
        preview.missing.append(
            _("See the public page as it will look and how many e-mails will go out.")
        )
    preview.actions.append(
        StepAction(_("Preview the publication"), urls["preview"], primary=not preview.is_done)
    )
    live = Publication.objects.live().filter(contest=contest).first() if published else None
    if live is not None:
        publish.state = DONE
        publish.done.append(_("Published on %(when)s (KST).") % {"when": kst(live.published_at)})
        publish.actions.append(StepAction(_("Public results"), urls["public"]))
        window_end = live.published_at + timedelta(days=contest.appeal_window_days)
        appeals.state = DONE if state.phase == Phase.ARCHIVED else WAITING
        appeals.done.append(
            _("Appeals until %(when)s (KST); then non-winners' personal data is deleted.")
            % {"when": kst(window_end)}
        )
    else:
        appeals.state = LATER
        if r.scheduled_for:
            publish.state = WAITING
            publish.done.append(_("Scheduled for %(when)s (KST).") % {"when": kst(r.scheduled_for)})
            publish.actions.append(StepAction(_("Preview or cancel"), urls["preview"]))
        else:
            publish.state = CURRENT if preview.state == CURRENT or approve.is_done else LATER
            publish.missing.append(_("The results are not public yet."))
            publish.actions.append(StepAction(_("Publish the results"), urls["preview"]))
    return [allocate, approve, preview, publish, appeals]


def _final_id(contest: Contest) -> int | None:
    latest = contest.rankings.filter(round__isnull=True).order_by("-created_at", "-id").first()
    return latest.pk if latest else None


def _one_current(steps: list[Step]) -> None:
    """One step is the next thing to do: the first whose state is current (the others that
    computed themselves current wait their turn: later); without one, the first step waiting
    for a date. Only that step's primary action stays primary."""
    current = next((s for s in steps if s.state == CURRENT), None)
    for step in steps:
        if step.state == CURRENT and step is not current:
            step.state = LATER
    if current is None:
        current = next((s for s in steps if s.state == WAITING), None)
    for step in steps:
        if step is not current:
            for action in step.actions:
                action.primary = False
    if current is not None and current.actions and not any(a.primary for a in current.actions):
        current.actions[0].primary = True
