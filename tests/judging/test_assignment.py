"""The exact assignment engine: hand-computed cases, infeasibility, recusal, and properties
checked against an LP optimum (scipy's HiGHS) over the same constraints."""

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from bench.two_pass import assign_two_pass
from judging.assignment import (
    EntrySpec,
    JudgeSpec,
    NoValidAssignment,
    assign,
    compute_loads,
)
from judging.assignment import flow as assignment_flow
from judging.assignment import problem as assignment_problem

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- helpers ------------------------------------------------------------------------------------


def lp_optimum(inst, bounds, *, entries=None, fixed=()):
    """Maximum total affinity (fixed pairs included) of the LP over the same constraints, or None
    when infeasible: x_ej in [0, 1], sum_j x_ej = k, lo_j <= load_j <= hi_j, conflicts and fixed
    pairs excluded from x. The constraint matrix is a bipartite one, so the LP optimum is the
    integer optimum."""
    entries = [_id(e) for e in inst["entries"]] if entries is None else entries
    judges = [_id(j) for j in inst["judges"]]
    conflicts, affinity, k = set(inst["conflicts"]), inst["affinity"], inst["k"]
    fixed = [(e, j) for e, j in fixed if e in entries]
    taken = set(fixed)
    cells = [
        (e, j) for e in entries for j in judges if (j, e) not in conflicts and (e, j) not in taken
    ]
    need = {e: k - Counter(e for e, _ in fixed)[e] for e in entries}
    have = Counter(j for _, j in fixed)
    a_eq = np.array([[1.0 if ce == e else 0.0 for ce, _ in cells] for e in entries])
    rows = np.array([[1.0 if cj == j else 0.0 for _, cj in cells] for j in judges])
    lo = np.array([bounds[j][0] - have[j] for j in judges], dtype=float)
    hi = np.array([bounds[j][1] - have[j] for j in judges], dtype=float)
    fixed_total = sum(affinity.get((j, e), 0) for e, j in fixed)
    if not cells:
        ok = all(v == 0 for v in need.values()) and (lo <= 0).all() and (hi >= 0).all()
        return fixed_total if ok else None
    res = linprog(
        c=[-affinity.get((j, e), 0) for e, j in cells],
        A_ub=np.vstack([rows, -rows]),
        b_ub=np.concatenate([hi, -lo]),
        A_eq=a_eq if entries else None,
        b_eq=[need[e] for e in entries] if entries else None,
        bounds=(0, 1),
        method="highs",
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return round(-res.fun + fixed_total, 6)


def _id(x):
    return x.id if isinstance(x, EntrySpec | JudgeSpec) else x


def widest_bounds(inst):
    n_slots = len(inst["entries"]) * inst["k"]
    return {
        j.id: (j.min_load or 0, n_slots if j.max_load is None else j.max_load)
        for j in inst["judges"]
    }


def check_valid(inst, result, *, fixed=()):
    k, conflicts = inst["k"], set(inst["conflicts"])
    entries = [_id(e) for e in inst["entries"]]
    by_entry = Counter(e for e, _ in result.pairs)
    assert all(by_entry[e] == k for e in entries)
    assert len(set(result.pairs)) == len(result.pairs)  # distinct judges per entry
    assert not any((j, e) in conflicts for e, j in result.pairs)
    assert set(fixed) <= set(result.pairs)
    assert result.pairs == sorted(result.pairs)
    loads = Counter(j for _, j in result.pairs)
    assert result.loads == {j.id: loads[j.id] for j in inst["judges"]}
    for judge in inst["judges"]:
        lo, hi = result.load_bounds[judge.id]
        assert lo <= result.loads[judge.id] <= hi
        assert lo >= (judge.min_load or 0)
        assert judge.max_load is None or hi <= judge.max_load
    assert result.min_load == min(result.loads.values(), default=0)
    assert result.max_load == max(result.loads.values(), default=0)
    expected = sum(inst["affinity"].get((j, e), 0) for e, j in result.pairs)
    assert result.total_affinity == expected


@st.composite
def instances(draw, *, conflicts=True, bounds=True):
    """Small rounds: sparse random conflicts, sometimes a block (some judges barred from some
    entries, which is what forces a band to widen), sparse affinity, a few caps and minimums."""
    n, m = draw(st.integers(0, 8)), draw(st.integers(1, 6))
    k = draw(st.integers(1, min(3, m)))
    entries = [f"e{i}" for i in range(n)]
    judge_ids = [f"j{t}" for t in range(m)]
    cells = [(j, e) for j in judge_ids for e in entries]
    conflict = set()
    if conflicts and cells:
        conflict |= set(draw(st.lists(st.sampled_from(cells), max_size=len(cells) // 4)))
        if draw(st.booleans()):
            barred = draw(st.sets(st.sampled_from(judge_ids)))
            block = draw(st.sets(st.sampled_from(entries)))
            conflict |= {(j, e) for j in barred for e in block}
    affinity = {}
    if cells:
        affinity = draw(st.dictionaries(st.sampled_from(cells), st.integers(0, 5)))
    judges = []
    maybe = st.sampled_from([None, None, None, 0, 1, 2]) if bounds else st.none()
    for j in judge_ids:
        low = draw(maybe)
        cap = draw(st.none() | st.integers(low or 0, max(n * k, low or 0))) if bounds else None
        judges.append(JudgeSpec(j, min_load=low, max_load=cap))
    seed = draw(st.integers(0, 2**32 - 1))
    return {"entries": entries, "judges": judges, "k": k, "conflicts": sorted(conflict),
            "affinity": affinity, "seed": seed}  # fmt: skip


@st.composite
def specialist_instances(draw):
    """Some judges may judge only a few entries: balance is often impossible."""
    n, m, k = draw(st.integers(3, 10)), draw(st.integers(3, 6)), draw(st.integers(1, 2))
    entries = [f"e{i}" for i in range(n)]
    judges = [JudgeSpec(f"j{t}") for t in range(m)]
    specialists = judges[: draw(st.integers(2, m - 1))]
    reach = entries[: draw(st.integers(1, n - 1))]
    cells = [(j.id, e) for j in judges for e in entries]
    affinity = draw(st.dictionaries(st.sampled_from(cells), st.integers(0, 5)))
    conflicts = [(j.id, e) for j in specialists for e in entries if e not in reach]
    seed = draw(st.integers(0, 2**32 - 1))
    return {"entries": entries, "judges": judges, "k": k, "conflicts": conflicts,
            "affinity": affinity, "seed": seed}  # fmt: skip


def solve_all_ways(inst, **extra):
    """The default network, the zero-affinity hub forced on every entry (realised first from a
    sample of two judges per entry), and the full network."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(assignment_flow, "INLINE_ZERO_ARCS", 0)
        mp.setattr(assignment_flow, "REALIZE_SAMPLE", 2)
        hub = assign(**inst, **extra)
    return [assign(**inst, **extra), hub, assign(**inst, **extra, compress=False)]


def shuffled(inst, rng):
    out = dict(inst)
    for key in ("entries", "judges", "conflicts"):
        out[key] = rng.sample(list(inst[key]), len(inst[key]))
    out["affinity"] = dict(rng.sample(list(inst["affinity"].items()), len(inst["affinity"])))
    return out


# --- hand-computed cases ------------------------------------------------------------------------


def test_diagonal_affinity_is_followed():
    result = assign(
        entries=["a", "b", "c"], judges=["X", "Y", "Z"], k=1,
        affinity={("X", "a"): 5, ("Y", "b"): 4, ("Z", "c"): 3, ("X", "b"): 1},
    )  # fmt: skip
    assert result.pairs == [("a", "X"), ("b", "Y"), ("c", "Z")]
    assert result.total_affinity == 12
    assert (result.min_load, result.max_load, result.widened) == (1, 1, 0)


def test_no_affinity_spreads_evenly():
    result = assign(entries=["a", "b", "c"], judges=["X", "Y", "Z"], k=2)
    assert result.loads == {"X": 2, "Y": 2, "Z": 2}
    assert result.total_affinity == 0


def test_declared_cap_holds_a_judge_and_the_rest_balance():
    result = assign(
        entries=["a", "b", "c", "d"], judges=[JudgeSpec("X", max_load=0), "Y", "Z"], k=1
    )
    assert result.loads == {"X": 0, "Y": 2, "Z": 2}
    assert result.load_bounds["X"] == (0, 0)


def test_a_judge_conflicted_with_almost_everything_takes_what_it_can():
    entries = [f"e{i}" for i in range(1, 7)]
    conflicts = [("A", e) for e in entries[1:]]
    result = assign(entries=entries, judges=["A", "B", "C"], k=1, conflicts=conflicts)
    # ceilings A=1; level h=3 (1 + 3 + 3 >= 6): A in [1, 1], B and C in [2, 3]
    assert result.loads["A"] == 1 and ("e1", "A") in result.pairs
    assert sorted([result.loads["B"], result.loads["C"]]) == [2, 3]
    assert result.widened == 0


@pytest.mark.parametrize(
    ("n_entries", "loads", "widened"),
    [
        # A and B may only judge e1 and e2, so together they take at most 2 and C the rest.
        # 6 entries: h=2, band [1, 2]: C <= 2 fails; widening by 2 to [1, 4] is the first fit.
        (6, {"A": 1, "B": 1, "C": 4}, 2),
        # 8 entries: h=4, band [3, 4]; the exhaustive splits fail, then symmetric t=2: [1, 6].
        (8, {"A": 1, "B": 1, "C": 6}, 4),
    ],
)
def test_band_widens_when_conflicts_forbid_balance(n_entries, loads, widened):
    entries = [f"e{i}" for i in range(1, n_entries + 1)]
    conflicts = [(j, e) for j in "AB" for e in entries[2:]]
    result = assign(entries=entries, judges=["A", "B", "C"], k=1, conflicts=conflicts)
    assert result.loads == loads
    assert result.widened == widened


def test_two_pass_baseline_is_strictly_worse_here():
    # Band [1, 2] for two judges. Pass one gives each judge its best single entry jointly
    # (A-e2 + B-e1 = 19), which leaves e3 at 0: 19. The optimum is A-e1, A-e2, B-e3 = 20.
    inst = {
        "entries": ["e1", "e2", "e3"], "judges": ["A", "B"], "k": 1,
        "affinity": {("A", "e1"): 10, ("A", "e2"): 10, ("B", "e1"): 9},
    }  # fmt: skip
    exact, baseline = assign(**inst), assign_two_pass(**inst)
    assert exact.pairs == [("e1", "A"), ("e2", "A"), ("e3", "B")]
    assert exact.total_affinity == 20
    assert baseline.total_affinity == 19
    assert baseline.load_bounds == exact.load_bounds


def test_float_affinities_are_scaled():
    result = assign(
        entries=["a"], judges=["X", "Y", "Z"], k=2,
        affinity={("X", "a"): 0.25, ("Y", "a"): 0.5, ("Z", "a"): 0.375},
    )  # fmt: skip
    assert result.pairs == [("a", "Y"), ("a", "Z")]
    assert result.total_affinity == pytest.approx(0.875)


def test_mixed_id_types_and_entry_objects():
    result = assign(entries=[EntrySpec(2, "elementary"), EntrySpec("b")], judges=[10, "z"], k=2)
    assert result.pairs == [(2, 10), (2, "z"), ("b", 10), ("b", "z")]


def test_empty_round():
    result = assign(entries=[], judges=["X"], k=2)
    assert (result.pairs, result.loads, result.total_affinity) == ([], {"X": 0}, 0)


def test_compute_loads():
    assert compute_loads([("a", "X"), ("b", "X"), ("b", "Y")]) == {"X": 2, "Y": 1}


# --- infeasibility -----------------------------------------------------------------------------


def test_too_few_unconflicted_judges_names_the_entry():
    with pytest.raises(NoValidAssignment) as caught:
        assign(
            entries=["e1", "e2"], judges=["A", "B", "C"], k=2, conflicts=[("A", "e1"), ("B", "e1")]
        )
    assert caught.value.entries == ["e1"]
    assert caught.value.available == {"e1": 1}


def test_caps_too_small_in_total_names_every_entry():
    with pytest.raises(NoValidAssignment) as caught:
        assign(
            entries=["e1", "e2", "e3"],
            judges=[JudgeSpec("A", max_load=1), JudgeSpec("B", max_load=1)],
            k=1,
        )
    assert caught.value.entries == ["e1", "e2", "e3"]
    assert "need 3" in caught.value.reason and "only 2" in caught.value.reason


def test_a_group_short_of_judges_is_named_exactly():
    # e1 and e2 may use only A and B, and A takes one entry: together they get 3 of 4. e3 is fine.
    with pytest.raises(NoValidAssignment) as caught:
        assign(
            entries=["e1", "e2", "e3"], judges=[JudgeSpec("A", max_load=1), "B", "C"], k=2,
            conflicts=[("C", "e1"), ("C", "e2")],
        )  # fmt: skip
    assert caught.value.entries == ["e1", "e2"]
    assert caught.value.available == {"e1": 2, "e2": 2}


def test_unreachable_minimum_load_is_reported():
    with pytest.raises(NoValidAssignment) as caught:
        assign(
            entries=["e1", "e2"],
            judges=[JudgeSpec("A", min_load=2), JudgeSpec("B", min_load=1)],
            k=1,
        )
    assert caught.value.entries == []
    assert "minimum" in caught.value.reason


def test_fixed_pairs_over_a_cap_are_reported():
    with pytest.raises(NoValidAssignment, match="over its cap"):
        assign(entries=["e1", "e2"], judges=[JudgeSpec("A", max_load=1), "B"], k=1,
               fixed=[("e1", "A"), ("e2", "A")])  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"entries": ["a", "a"]}, "unique"),
        ({"k": 0}, "positive"),
        ({"fixed": [("a", "Q")]}, "unknown"),
        ({"fixed": [("a", "X")], "conflicts": [("X", "a")]}, "conflict"),
        ({"fixed": [("a", "X"), ("a", "X")]}, "unique"),
        ({"affinity": {("X", "a"): -1}}, ">= 0"),
        ({"judges": [JudgeSpec("X", min_load=3, max_load=2)]}, "above"),
    ],
)
def test_malformed_input_is_a_value_error(kwargs, message):
    base = {"entries": ["a", "b"], "judges": ["X", "Y"], "k": 1}
    with pytest.raises(ValueError, match=message):
        assign(**(base | kwargs))


# --- incremental reassignment ------------------------------------------------------------------


def test_recusal_keeps_every_other_pair():
    inst = {"entries": ["e1", "e2", "e3", "e4"], "judges": ["A", "B", "C"], "k": 2,
            "affinity": {("A", "e1"): 3, ("B", "e2"): 2, ("C", "e3"): 4}}  # fmt: skip
    first = assign(**inst)
    recused = ("e1", "A")
    assert recused in first.pairs
    kept = [p for p in first.pairs if p != recused]
    second = assign(**inst | {"conflicts": [("A", "e1")], "fixed": kept})
    assert set(kept) <= set(second.pairs)
    assert len(second.pairs) == len(first.pairs)
    assert recused not in second.pairs


# --- properties --------------------------------------------------------------------------------


@PROPERTY
@given(instances() | specialist_instances(), st.randoms(use_true_random=False))
def test_valid_optimal_deterministic_and_order_free(inst, rnd):
    try:
        results = solve_all_ways(inst)
    except NoValidAssignment as exc:
        event("infeasible, entries named" if exc.entries else "infeasible, minimum loads")
        assert lp_optimum(inst, widest_bounds(inst)) is None  # nothing within caps and minimums
        if exc.entries:  # the named group alone cannot be served either
            sub = inst | {"judges": [JudgeSpec(j.id, max_load=j.max_load) for j in inst["judges"]]}
            assert lp_optimum(sub, widest_bounds(sub), entries=exc.entries) is None
        return
    result = results[0]
    event(f"widened {min(result.widened, 3)}")
    optimum = lp_optimum(inst, result.load_bounds)
    for each in results:
        check_valid(inst, each)
        assert each.total_affinity == optimum
        assert (each.load_bounds, each.widened) == (result.load_bounds, result.widened)
    assert assign(**inst) == result
    assert assign(**shuffled(inst, rnd)) == result


@PROPERTY
@given(instances(conflicts=False, bounds=False))
def test_without_conflicts_or_caps_loads_differ_by_at_most_one(inst):
    result = assign(**inst)
    check_valid(inst, result)
    assert result.widened == 0
    assert result.max_load - result.min_load <= 1


@PROPERTY
@given(specialist_instances() | instances())
def test_band_is_widened_minimally(inst):
    try:
        result = assign(**inst)
    except NoValidAssignment:
        return
    p = assignment_problem.prepare(inst["entries"], inst["judges"], inst["conflicts"],
                            inst["affinity"], (), inst["k"])  # fmt: skip
    h = assignment_problem.level_of(p)

    def feasible(a, b):
        lo, hi = assignment_problem.band_of(p, h, a, b)
        bounds = {j: (int(x), int(y)) for j, x, y in zip(p.judge_ids, lo, hi, strict=True)}
        return lp_optimum(inst, bounds) is not None

    narrower = min(result.widened, assignment_flow.EXHAUSTIVE_WIDENING + 1)
    assert not any(feasible(a, w - a) for w in range(narrower) for a in range(w + 1))
    if result.widened > assignment_flow.EXHAUSTIVE_WIDENING:  # both ends widen together from here
        t = result.widened // 2
        assert result.widened == 2 * t and not feasible(t - 1, t - 1)


@PROPERTY
@given(instances(), st.data())
def test_recusal_keeps_the_rest_or_proves_it_impossible(inst, data):
    try:
        first = assign(**inst)
    except NoValidAssignment:
        return
    if not first.pairs:
        return
    entry, judge = data.draw(st.sampled_from(first.pairs))
    kept = [p for p in first.pairs if p != (entry, judge)]
    again = inst | {"conflicts": [*inst["conflicts"], (judge, entry)], "fixed": kept}
    try:
        assign(**again)
    except NoValidAssignment:
        assert lp_optimum(again, widest_bounds(again), fixed=kept) is None
        return
    for each in solve_all_ways(again):
        check_valid(again, each, fixed=kept)
        assert each.total_affinity == lp_optimum(again, each.load_bounds, fixed=kept)


@PROPERTY
@given(instances())
def test_one_flow_is_never_worse_than_two_passes(inst):
    try:
        baseline = assign_two_pass(**inst)
    except NoValidAssignment:
        return
    check_valid(inst, baseline)
    exact = assign(**inst)
    assert exact.widened == 0  # the baseline's band was feasible, so no widening
    assert exact.total_affinity >= baseline.total_affinity


def test_seed_only_breaks_ties():
    rng = random.Random(5)
    entries, judges = [f"e{i}" for i in range(30)], [f"j{t}" for t in range(6)]
    affinity = {(j, e): rng.randint(0, 2) for j in judges for e in entries if rng.random() < 0.3}
    results = [
        assign(entries=entries, judges=judges, k=2, affinity=affinity, seed=s) for s in range(6)
    ]
    assert len({r.total_affinity for r in results}) == 1
    assert len({tuple(r.pairs) for r in results}) > 1  # ties are broken differently by seed
