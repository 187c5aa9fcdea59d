"""The organizer's page of a comparative-judgement round: SSR over time, comparisons per
entry, the stopping rule, misfitting judges by name, the scale by receipt number, then the
round's ranking (from the usual results actions), advancement and the way to the prizes.

It lives in ``results`` because it shows the round's latest ranking snapshot beside the scale
(``judging`` may not import ``results``). Thin: parse → one read → render.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contests.selectors import contest_managed_get, contest_round_get
from judging.scale import MIN_COMPARISONS, SSR_TARGET, pairwise_round_required
from judging.scale_report import entry_rows, scale_report
from results.services.rankings import latest_ranking

ENTRY_ROWS = 50  # per division on the page; the API pages through all of them
RANKING_ROWS = 100


@login_required
@require_safe
def organizer_scale(request, slug, pairwise_round_id):
    contest = contest_managed_get(request.user, slug)
    rnd = pairwise_round_required(contest_round_get(contest, pairwise_round_id))
    report = scale_report(round=rnd)
    rows = entry_rows(report.scale)
    shown, per_group = [], {}
    for row in rows:
        per_group[row.division] = per_group.get(row.division, 0) + 1
        if per_group[row.division] <= ENTRY_ROWS:
            shown.append(row)
    snapshot = latest_ranking(contest, rnd)
    names = {g.code: g.name for g in report.groups}
    return render(
        request,
        "judging/pairwise_organizer.html",
        {
            "contest": contest,
            "round": rnd,
            "report": report,
            "entries": shown,
            "entries_total": len(rows),
            "entry_limit": ENTRY_ROWS,
            "snapshot": snapshot,
            "ranking": [
                {**r, "division_name": names.get(r.get("division"), r.get("division"))}
                for r in (snapshot.rows[:RANKING_ROWS] if snapshot else [])
            ],
            "ssr_target": SSR_TARGET,
            "min_comparisons": MIN_COMPARISONS,
        },
    )
