"""Comparative judgement, the services: who is served which pair, decisions, recusals."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import Role
from contests.enums import RoundKind
from contests.errors import JudgingWindowClosed, SubmissionsOpen
from core.errors import NotFound
from core.models import AuditRecord
from judging.enums import ComparisonOutcome, ConflictKind
from judging.errors import AlreadyDecided, PairWithdrawn
from judging.models import Assignment, Comparison, Conflict, PanelMember
from judging.pair_conflicts import judge_blocked_entries
from judging.scale import pairwise_scale
from judging.selectors import conflict_pairs, round_entries
from judging.services import pairing
from judging.services.assignment import judges_assign
from judging.services.comparisons import comparison_decide, comparison_recuse, pair_next
from judging.services.pairing import pairing_forget, round_pairing
from submissions.enums import ConsentKind, EntryStatus
from submissions.models import Consent, Entry, TeamMember
from tests.factories import user_make
from tests.judging.pairwise_helpers import decide_all, make_pairwise

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(judged):
    """Track D 예선 judged in pairs over one scale (6 drawings), window open."""
    make_pairwise(judged["prelim"], per_division=False)
    return judged


def _pair(c) -> frozenset:
    return frozenset({str(c.left_id), str(c.right_id)})


def test_two_pairs_are_held_and_asking_again_returns_them(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    first = pair_next(user=judge, round=rnd)
    assert len(first) == 2
    assert pair_next(user=judge, round=rnd) == first
    assert Comparison.objects.filter(judge=judge).count() == 2
    for c in first:
        assert c.left_id != c.right_id
        assert c.outcome == ComparisonOutcome.PENDING


def test_a_judge_never_gets_the_same_pair_twice_and_then_nothing(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    decided = decide_all(judge, rnd)
    pairs = [_pair(c) for c in decided]
    n = Entry.objects.filter(contest=pw["drawing"], status=EntryStatus.SUBMITTED).count()
    assert len(pairs) == len(set(pairs)) == n * (n - 1) // 2  # every pair once, none twice
    assert pair_next(user=judge, round=rnd) == []


def test_pairs_stay_within_a_division_when_the_round_ranks_per_division(judged):
    rnd = make_pairwise(judged["prelim"], per_division=True)
    judge = judged["judges"][0]
    decided = decide_all(judge, rnd)
    division = dict(Entry.objects.values_list("pk", "division__code"))
    assert len(decided) == 3  # 3 divisions of 2 drawings: one pair each
    assert all(division[c.left_id] == division[c.right_id] for c in decided)


def test_left_and_right_are_balanced_across_judges(pw):
    rnd = pw["prelim"]
    for judge in pw["judges"]:
        decide_all(judge, rnd)
    left, right = {}, {}
    for c in Comparison.objects.filter(round=rnd):
        left[c.left_id] = left.get(c.left_id, 0) + 1
        right[c.right_id] = right.get(c.right_id, 0) + 1
    for entry in set(left) | set(right):
        assert abs(left.get(entry, 0) - right.get(entry, 0)) <= 2


def test_conflicts_are_never_served(pw, organizer):
    judge, rnd = pw["judges"][0], pw["prelim"]
    banned = Entry.objects.filter(contest=pw["drawing"]).order_by("receipt_number").first()
    Conflict.objects.create(
        contest=pw["drawing"],
        judge=judge,
        entry=banned,
        kind=ConflictKind.ENTRY,
        created_by=organizer,
    )
    decided = decide_all(judge, rnd)
    assert decided
    assert all(banned.pk not in (c.left_id, c.right_id) for c in decided)
    assert len(decided) == 10  # the other 5 drawings: C(5, 2)


def test_an_automatic_conflict_with_the_school_serves_nothing(pw):
    """Every demo child goes to 세종한빛초등학교: a judge from that school sees no drawing."""
    rnd = pw["prelim"]
    teacher = user_make(Role.JUDGE, affiliation="세종한빛 초등학교")
    PanelMember.objects.create(round=rnd, judge=teacher)
    assert pair_next(user=teacher, round=rnd) == []


def test_a_withdrawn_consent_takes_the_drawing_out_of_held_and_new_pairs(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    held = pair_next(user=judge, round=rnd)
    gone = held[0].left_id
    Consent.objects.filter(entry_id=gone, kind=ConsentKind.GUARDIAN).delete()
    with pytest.raises(PairWithdrawn):
        comparison_decide(user=judge, comparison_id=held[0].pk, winner="left")
    assert Comparison.objects.get(pk=held[0].pk).outcome == ComparisonOutcome.PENDING
    fresh = pair_next(user=judge, round=rnd)
    assert Comparison.objects.get(pk=held[0].pk).outcome == ComparisonOutcome.VOID
    assert fresh and all(gone not in (c.left_id, c.right_id) for c in fresh)
    assert all(gone not in (c.left_id, c.right_id) for c in decide_all(judge, rnd))


def test_decisions_are_idempotent_and_final(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    first = comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    again = comparison_decide(user=judge, comparison_id=c.pk, winner="left")  # a double tap
    assert first.outcome == again.outcome == ComparisonOutcome.LEFT
    assert again.decided_at == first.decided_at
    assert AuditRecord.objects.filter(action="comparison.decide", target_id=str(c.pk)).count() == 1
    with pytest.raises(AlreadyDecided):
        comparison_decide(user=judge, comparison_id=c.pk, winner="right")
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.LEFT


def test_a_skip_is_recorded_and_not_served_again(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    comparison_decide(user=judge, comparison_id=c.pk, skip=True)
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.SKIP
    assert _pair(c) not in {_pair(x) for x in decide_all(judge, rnd)}


@pytest.mark.parametrize(
    "body", [{"winner": "up"}, {"winner": None}, {"winner": "left", "skip": True}]
)
def test_a_bad_choice_changes_nothing(pw, body):
    judge, rnd = pw["judges"][0], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    with pytest.raises(Exception) as refused:
        comparison_decide(user=judge, comparison_id=c.pk, **body)
    assert refused.value.code == "invalid_choice"
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.PENDING


def test_only_the_judge_served_may_decide(pw):
    judge, other, rnd = pw["judges"][0], pw["judges"][1], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    with pytest.raises(NotFound):
        comparison_decide(user=other, comparison_id=c.pk, winner="left")
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.PENDING


def test_not_on_the_panel_or_not_pairwise_is_not_found(pw, judge, organizer):
    rnd = pw["prelim"]
    with pytest.raises(NotFound):
        pair_next(user=judge, round=rnd)  # a judge, not on this panel
    with pytest.raises(NotFound):
        pair_next(user=organizer, round=rnd)
    rnd.kind = RoundKind.RUBRIC
    rnd.save()
    with pytest.raises(NotFound):
        pair_next(user=pw["judges"][0], round=rnd)
    assert not Comparison.objects.exists()


def test_outside_the_judging_window_nothing_is_served_or_decided(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    rnd.judging_closes_at = timezone.now() - timedelta(seconds=2)
    rnd.save()
    with pytest.raises(JudgingWindowClosed):
        pair_next(user=judge, round=rnd)
    with pytest.raises(JudgingWindowClosed):
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.PENDING


def test_while_submissions_are_open_nothing_is_compared(pw):
    """Comparing is judging: the contest's phase rule holds it until the deadline, as it holds
    scorecards (an entry still being edited is never weighed)."""
    judge, rnd = pw["judges"][0], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    contest = rnd.contest
    contest.closes_at = timezone.now() + timedelta(days=1)
    contest.save(update_fields=["closes_at"])
    with pytest.raises(SubmissionsOpen):
        pair_next(user=judge, round=rnd)
    with pytest.raises(SubmissionsOpen):
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    with pytest.raises(SubmissionsOpen):
        comparison_recuse(user=judge, comparison_id=c.pk, side="left")
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.PENDING
    assert not Conflict.objects.filter(judge=judge).exists()


def test_a_recusal_is_a_conflict_at_once(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    decided = decide_all(judge, rnd, limit=3)
    held = pair_next(user=judge, round=rnd)
    known = held[0].right_id
    comparison_recuse(user=judge, comparison_id=held[0].pk, side="right", reason="제자 작품")
    conflict = Conflict.objects.get(judge=judge, entry_id=known)
    assert conflict.kind == ConflictKind.RECUSAL
    assert Comparison.objects.get(pk=held[0].pk).outcome == ComparisonOutcome.RECUSED
    later = decide_all(judge, rnd)
    assert all(known not in (c.left_id, c.right_id) for c in later)
    assert not Comparison.objects.filter(judge=judge, outcome=ComparisonOutcome.PENDING).exists()
    # the judge's earlier decisions with that drawing no longer count
    counted = pairwise_scale(round=rnd).decisions
    with_known = sum(known in (c.left_id, c.right_id) for c in decided + later)
    assert counted == len(decided) + len(later) - with_known


def test_the_database_refuses_a_repeated_pair_in_either_order(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    a, b = Entry.objects.filter(contest=pw["drawing"]).order_by("pk")[:2]
    Comparison.objects.create(round=rnd, judge=judge, left=a, right=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(round=rnd, judge=judge, left=b, right=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(round=rnd, judge=judge, left=a, right=a)
    Comparison.objects.create(round=rnd, judge=pw["judges"][1], left=b, right=a)  # another judge


def test_the_assignment_of_a_pairwise_round_assigns_nothing(pw, organizer):
    rnd = pw["prelim"]
    summary = judges_assign(user=organizer, round=rnd)
    assert summary.assigned == summary.total == 0
    assert not Assignment.objects.filter(round=rnd).exists()
    entries = Entry.objects.filter(contest=pw["drawing"]).exclude(status=EntryStatus.DRAFT)
    assert set(entries.values_list("status", flat=True)) == {EntryStatus.IN_JUDGING}
    assert pair_next(user=pw["judges"][0], round=rnd)  # judging goes on


def test_the_fast_conflict_lookup_answers_as_conflict_pairs(pw, organizer):
    """judging.pair_conflicts (an index per round) and judging.selectors.conflict_pairs (the
    rule) agree, for every kind of conflict, on both tracks."""
    rnd = pw["prelim"]
    entries = list(round_entries(rnd).select_related("child"))
    ids = [str(e.pk) for e in entries]
    first, second = entries[0], entries[1]
    teacher = user_make(Role.JUDGE, affiliation="세종한빛 초등학교")  # every child's school
    plain = user_make(Role.JUDGE, affiliation="다른학교")
    declared = user_make(Role.JUDGE)
    for entry, kind in ((first, ConflictKind.ENTRY), (second, ConflictKind.RECUSAL)):
        Conflict.objects.create(
            contest=pw["drawing"], judge=declared, entry=entry, kind=kind, created_by=organizer
        )
    Conflict.objects.create(
        contest=pw["drawing"],
        judge=plain,
        institution="세종 한빛초등학교",
        kind=ConflictKind.INSTITUTION,
        created_by=organizer,
    )
    for judge in (teacher, plain, declared, pw["judges"][0]):
        rule = {e for j, e in conflict_pairs(pw["drawing"], entries, [judge])}
        assert judge_blocked_entries(rnd, judge, ids) == rule
    assert judge_blocked_entries(rnd, declared, ids) == {str(first.pk), str(second.pk)}
    assert judge_blocked_entries(rnd, plain, ids) == set(ids)


def test_the_fast_conflict_lookup_on_track_s(judged, organizer):
    smart = judged["smart"]
    rnd = make_pairwise(smart.rounds.get(order=1))
    entries = list(round_entries(rnd))
    ids = [str(e.pk) for e in entries]
    universities = set(
        TeamMember.objects.filter(entry__in=entries).values_list("university", flat=True)
    )
    for affiliation in [*universities, "없는 대학교", ""]:
        judge = user_make(Role.JUDGE, affiliation=affiliation)
        rule = {e for j, e in conflict_pairs(smart, entries, [judge])}
        assert judge_blocked_entries(rnd, judge, ids) == rule


# ---- one worker's state of the round and the others' pairs (judging.services.pairing) ----


def _counts(rnd) -> dict[str, int]:
    state = round_pairing(rnd)
    return {e: int(g.comparisons[g.index[e]]) for g in state.groups for e in g.entries}


def test_pairs_served_by_another_worker_count_at_the_next_request(pw):
    """A worker's state follows the comparisons the others create (id > the last counted)."""
    rnd, (first, second) = pw["prelim"], pw["judges"][:2]
    held = pair_next(user=first, round=rnd)
    before = _counts(rnd)
    assert sum(before.values()) == 2 * len(held)  # counted once, not again when read back
    ids = sorted(before)
    other = Comparison.objects.create(round=rnd, judge=second, left_id=ids[0], right_id=ids[1])

    pair_next(user=second, round=rnd)  # the request reads what was created meanwhile

    after = _counts(rnd)
    served = Comparison.objects.filter(round=rnd).exclude(pk=other.pk)
    assert sum(after.values()) == 2 * served.count() + 2
    assert after[ids[0]] >= before[ids[0]] + 1 and after[ids[1]] >= before[ids[1]] + 1


def test_a_pair_committed_late_by_another_worker_is_skipped_not_fatal(pw):
    """Another worker served this judge pairs this worker's state never counted (they
    committed after a higher id): the database refuses the repeats, the service chooses
    others, and the judge gets every remaining pair exactly once."""
    judge, rnd = pw["judges"][0], pw["prelim"]
    held = pair_next(user=judge, round=rnd)  # the judge's pairs are now known to the state
    ids = sorted(_counts(rnd))
    mine = {_pair(c) for c in held}
    unseen = [
        (a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if frozenset({a, b}) not in mine
    ]
    for a, b in unseen[:-1]:  # all but one, decided elsewhere
        Comparison.objects.create(
            round=rnd,
            judge=judge,
            left_id=a,
            right_id=b,
            outcome=ComparisonOutcome.LEFT,
            decided_at=timezone.now(),
        )
    state = round_pairing(rnd)
    state.last_id = Comparison.objects.order_by("-pk").first().pk  # as if counted, unseen

    for c in held:
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    last = pair_next(user=judge, round=rnd)

    assert [_pair(c) for c in last] == [frozenset(unseen[-1])]
    assert (
        Comparison.objects.filter(round=rnd, judge=judge).count() == len(ids) * (len(ids) - 1) // 2
    )


def test_the_state_is_rebuilt_when_declared_stale_or_old(pw, monkeypatch):
    rnd = pw["prelim"]
    state = round_pairing(rnd)
    assert round_pairing(rnd) is state
    pairing_forget(rnd)
    rebuilt = round_pairing(rnd)
    assert rebuilt is not state
    monkeypatch.setattr(pairing, "REBUILD_SECONDS", -1)
    assert round_pairing(rnd) is not rebuilt
