"""How sure the order is, as the organizer's results page shows it (reads only): each ranking's
rank intervals as a chart (a bar per entry from rank_low to rank_high, the advancement cut and
the tier boundaries drawn, contested entries marked) with the numbers behind a ``<details>``,
the judges' offsets ± standard error by name, the ICC in words, and the allocation's contested
prize boundaries. The figures are the snapshot's (``results.services.certainty``).

The chart is inline SVG laid out here; a large ranking shows, per group, the entries nearest
its boundaries (every contested one up to :data:`CHART_LIMIT`), the export has them all.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from contests.models import Contest
from results.models import RankingSnapshot
from results.services.certainty import Boundary, contested_boundaries

CHART_LIMIT = 40  # bars per chart
TABLE_LIMIT = 200  # rows of the numbers behind a chart
WIDTH, LEFT, RIGHT, TOP, ROW = 720, 118, 56, 34, 18


def icc_word(level: str) -> str:
    return {
        "poor": pgettext("icc", "low"),
        "moderate": pgettext("icc", "moderate"),
        "good": pgettext("icc", "high"),
        "excellent": pgettext("icc", "very high"),
    }.get(level, pgettext("icc", "unknown"))


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def _short(name: str) -> str:
    """A tier's name without its parenthesis, for the chart: "대상 (국토교통부 장관상)" → "대상"."""
    return name.split(" (")[0]


def _percent(p) -> str:
    return "—" if p is None else f"{round(100 * p):d}%"


@dataclass
class Bar:
    label: str
    rank: int
    low: int
    high: int
    contested: bool
    y: float
    x1: float
    x2: float
    dot: float
    title: str

    @property
    def width(self) -> float:
        return round(self.x2 - self.x1, 1)


@dataclass
class Line:
    x: float
    label: str
    cut: bool  # the advancement cut (else a tier boundary)

    @property
    def anchor(self) -> str:  # the label reads away from the chart's right edge
        return "end" if self.x > WIDTH - 200 else "start"

    @property
    def label_x(self) -> float:
        return round(self.x - 4 if self.anchor == "end" else self.x + 4, 1)


@dataclass
class Band:
    x1: float
    x2: float
    label: str
    shade: bool

    @property
    def width(self) -> float:
        return round(self.x2 - self.x1, 1)

    @property
    def middle(self) -> float:
        return round((self.x1 + self.x2) / 2, 1)


@dataclass
class Chart:
    caption: str
    bars: list[Bar]
    lines: list[Line]
    bands: list[Band]
    ticks: list[tuple[float, int]]
    height: int
    summary: str
    hidden: int  # contested entries of this group the chart leaves out
    rows: list[dict]  # the numbers, for the table behind the chart
    tiers: list[dict] = field(default_factory=list)  # the group's tiers (final ranking)
    key: str = ""  # unique on the page: the SVG's title and description ids
    width: int = WIDTH
    label_x: int = LEFT - 6
    mark_x: int = WIDTH - RIGHT + 6
    top: int = TOP - 6


def _distance(row: dict, boundaries: list[int]) -> int:
    """0 when the entry's interval crosses a boundary, else how far its rank is from one."""
    best = 10**9
    for b in boundaries:
        if row["rank_low"] <= b < row["rank_high"]:
            return 0
        best = min(best, abs(row["rank"] - b), abs(row["rank"] - b - 1))
    return best


def _window(rows: list[dict], boundaries: list[int]) -> list[dict]:
    if len(rows) <= CHART_LIMIT:
        return rows
    if not boundaries:
        return rows[: CHART_LIMIT // 2]
    near = sorted(rows, key=lambda r: (_distance(r, boundaries), r["rank"]))[:CHART_LIMIT]
    return sorted(near, key=lambda r: (r["rank"], r["entry_code"]))


def _ticks(lo: int, hi: int) -> list[int]:
    span = hi - lo + 1
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if span / s <= 8)
    first = -(-lo // step) * step
    return sorted({lo, *range(max(first, lo), hi + 1, step), hi})


def _chart(
    caption: str,
    rows: list[dict],
    cuts: list[int],
    tiers: list[dict],
    describe,
) -> Chart:
    boundaries = sorted({*cuts, *(t["boundary"] for t in tiers)})
    shown = _window(rows, boundaries)
    lo = min(r["rank_low"] for r in shown)
    hi = max(r["rank_high"] for r in shown)
    slot = (WIDTH - LEFT - RIGHT) / (hi - lo + 1)

    def edge(rank: float) -> float:  # the left edge of a rank's slot
        return round(LEFT + (rank - lo) * slot, 1)

    bars = []
    for i, r in enumerate(shown):
        bars.append(
            Bar(
                label=r["entry_code"],
                rank=r["rank"],
                low=r["rank_low"],
                high=r["rank_high"],
                contested=bool(r.get("contested")),
                y=TOP + i * ROW,
                x1=edge(r["rank_low"]) + 1,
                x2=max(edge(r["rank_high"] + 1) - 1, edge(r["rank_low"]) + 4),
                dot=round(edge(r["rank"]) + slot / 2, 1),
                title=describe(r),
            )
        )
    lines = [
        Line(edge(c + 1), _("advancement cut (top %(n)d)") % {"n": c}, True)
        for c in cuts
        if lo <= c < hi
    ]
    bands, previous = [], 0
    for i, t in enumerate(tiers):
        b = t["boundary"]
        if lo <= b < hi:
            lines.append(Line(edge(b + 1), t["label"], False))
        x1, x2 = edge(max(previous + 1, lo)), edge(min(b, hi) + 1)
        if x2 > x1:
            bands.append(
                Band(x1, x2, t["label"] if x2 - x1 >= 11 * len(t["label"]) else "", i % 2 == 0)
            )
        previous = b
    contested_all = sum(1 for r in rows if r.get("contested"))
    contested_shown = sum(1 for b in bars if b.contested)
    summary = ngettext(
        "%(n)d entry's rank interval crosses a boundary.",
        "%(n)d entries' rank intervals cross a boundary.",
        contested_all,
    ) % {"n": contested_all}
    return Chart(
        caption=caption,
        bars=bars,
        lines=lines,
        bands=bands,
        ticks=[(round(edge(t) + slot / 2, 1), t) for t in _ticks(lo, hi)],
        height=TOP + len(bars) * ROW + 8,
        summary=summary,
        hidden=contested_all - contested_shown,
        rows=_table(rows, shown),
        tiers=tiers,
    )


def _keyed(charts: list[Chart], snapshot: RankingSnapshot) -> list[Chart]:
    for i, chart in enumerate(charts, start=1):
        chart.key = f"chart-{snapshot.pk}-{i}"
    return charts


def _table(rows: list[dict], shown: list[dict]) -> list[dict]:
    """The numbers: the contested entries and those in the chart, in rank order."""
    ids = {r["entry_id"] for r in shown}
    return [r for r in rows if r.get("contested") or r["entry_id"] in ids][:TABLE_LIMIT]


def _groups(rows: list[dict], by_division: bool) -> dict:
    groups: dict = {}
    for r in rows:
        groups.setdefault(r.get("division") if by_division else None, []).append(r)
    for members in groups.values():
        members.sort(key=lambda r: (r["rank"], r["entry_code"]))
    return groups


@dataclass
class Certainty:
    available: bool
    missing: str = ""  # why there are no intervals
    charts: list[Chart] = field(default_factory=list)
    contested: int = 0
    n_resamples: int = 0
    icc: dict | None = None
    judges: list[dict] = field(default_factory=list)
    offsets_applied: bool = False
    scale: float = 0.0
    advance: bool = False  # a round with an advancement rule: p_advance is shown


def _missing(snapshot: RankingSnapshot) -> str:
    meta = snapshot.certainty or {}
    if meta.get("unavailable") == "round_changed":
        return _(
            "The scorecards of a weighted round changed after its ranking: rank it again, then "
            "compute the final ranking again, to see how sure the order is."
        )
    if meta.get("unavailable") == "pairwise":
        return _(
            "A weighted round is judged in pairs: the final ranking's intervals resample "
            "scorecards, so it has none. Each pairwise round's own ranking shows rank intervals "
            "from its scale."
        )
    return _("This ranking was stored without rank intervals. Compute it again to see them.")


def round_certainty(snapshot: RankingSnapshot | None, judges: list[dict], names: dict) -> Certainty:
    """A round's chart, judges' offsets and ICC. ``judges``: the page's judge rows (with the
    judge's name), ``names``: division code → name."""
    if snapshot is None:
        return Certainty(False)
    meta = snapshot.certainty or {}
    view = Certainty(bool(meta.get("n_resamples")), n_resamples=meta.get("n_resamples", 0))
    view.icc = _icc(meta.get("icc"))
    view.offsets_applied = meta.get("offsets") == "applied"
    view.judges, view.scale = _offsets(judges)
    if not view.available:
        view.missing = _missing(snapshot)
        return view
    view.advance = bool(meta.get("advancement"))
    cuts = {c["division"]: c["rank"] for c in meta.get("cuts", [])}
    by_division = bool((snapshot.params or {}).get("per_division"))

    def describe(r: dict) -> str:
        text = _("%(code)s: rank %(rank)d, 90%% interval %(low)d–%(high)d") % {
            "code": r["entry_code"],
            "rank": r["rank"],
            "low": r["rank_low"],
            "high": r["rank_high"],
        }
        if r.get("p_advance") is not None:
            text += ", " + _("advances in %(p)s of resamples") % {"p": _percent(r["p_advance"])}
        return text + (" — " + _("contested") if r.get("contested") else "")

    for division, rows in _groups(snapshot.rows, by_division).items():
        cut = cuts.get(division) if by_division else cuts.get(None)
        caption = names.get(division, division or "") if by_division else ""
        chart = _chart(caption, rows, [cut] if cut else [], [], describe)
        view.charts.append(chart)
    view.charts = _keyed(view.charts, snapshot)
    view.contested = meta.get("contested", 0)
    return view


def _icc(icc: dict | None) -> dict | None:
    if not icc or icc.get("icc_1") is None:
        return None
    k = icc.get("k") or 0
    return {
        **icc,
        "word_1": icc_word(icc["level_1"]),
        "word_k": icc_word(icc["level_k"]),
        "k_text": f"{k:.0f}" if abs(k - round(k)) < 0.05 else f"{k:.1f}",
    }


def _offsets(judges: list[dict]) -> tuple[list[dict], float]:
    """Each judge's offset ± SE as positions on a symmetric scale (percent of the bar)."""
    with_offset = [j for j in judges if j.get("offset") is not None]
    if not with_offset:
        return [], 0.0
    reach = max(abs(j["offset"]) + (j.get("offset_se") or 0) for j in with_offset)
    scale = next(s for s in (1, 2, 5, 10, 20, 50, 100) if reach <= s)

    def at(value: float) -> float:
        return round(50 + 50 * max(-1.0, min(1.0, value / scale)), 1)

    out = []
    for j in with_offset:
        se = j.get("offset_se")
        low, high = (j["offset"] - se, j["offset"] + se) if se is not None else (j["offset"],) * 2
        out.append(
            {
                **j,
                "dot": at(j["offset"]),
                "left": at(low),
                "width": round(at(high) - at(low), 1),
            }
        )
    return out, float(scale)


def final_certainty(snapshot: RankingSnapshot | None, names: dict) -> Certainty:
    """The final ranking's chart: tier bands and boundaries, per division where the tiers are."""
    if snapshot is None:
        return Certainty(False)
    meta = snapshot.certainty or {}
    view = Certainty(bool(meta.get("n_resamples")), n_resamples=meta.get("n_resamples", 0))
    if not view.available:
        view.missing = _missing(snapshot)
        return view
    english = _english()
    per_division = meta.get("tiers_per_division", False)
    tiers = {
        g["division"]: [
            {**t, "label": _short(t["name_en"] if english else t["name"])} for t in g["tiers"]
        ]
        for g in meta.get("tiers", [])
    }

    def describe(r: dict) -> str:
        text = _("%(code)s: rank %(rank)d, 90%% interval %(low)d–%(high)d") % {
            "code": r["entry_code"],
            "rank": r["rank"],
            "low": r["rank_low"],
            "high": r["rank_high"],
        }
        return text + (" — " + _("contested") if r.get("contested") else "")

    for division, rows in _groups(snapshot.rows, per_division).items():
        group_tiers = tiers.get(division if per_division else None, [])
        rows = [
            {
                **r,
                "p_tiers": [_percent((r.get("p_tier") or {}).get(t["code"])) for t in group_tiers],
            }
            for r in rows
        ]
        caption = names.get(division, division or "") if per_division else ""
        view.charts.append(_chart(caption, rows, [], group_tiers, describe))
    view.charts = _keyed(view.charts, snapshot)
    view.contested = meta.get("contested", 0)
    return view


def boundaries_view(contest: Contest, allocation, names: dict) -> dict | None:
    """The allocation step's warning: each contested prize boundary in words, and whether the
    organizer has acknowledged it (decision, note, who, when)."""
    if allocation is None:
        return None
    found: list[Boundary] = contested_boundaries(allocation.ranking)
    if not found:
        return None
    english = _english()

    def name(tier: dict | None) -> str:
        if tier is None:
            return _("no prize")
        return _short(tier["name_en"] if english else tier["name"])

    boundaries = []
    for b in found:
        entries = [
            {
                "code": r["entry_code"],
                "rank": r["rank"],
                "low": r["rank_low"],
                "high": r["rank_high"],
                "p": _percent((r.get("p_tier") or {}).get(b.above["code"])),
            }
            for r in b.entries
        ]
        boundaries.append(
            {
                "above": name(b.above),
                "below": name(b.below),
                "rank": b.rank,
                "division": names.get(b.division, b.division or ""),
                "entries": entries,
            }
        )
    by = allocation.boundaries_acknowledged_by
    return {
        "boundaries": boundaries,
        "acknowledged": allocation.boundaries_acknowledged_at is not None,
        "decision": allocation.get_boundaries_decision_display(),
        "note": allocation.boundaries_note,
        "at": allocation.boundaries_acknowledged_at,
        "by": (by.name or by.username) if by else "",
    }
