"""Comparative-judgement shapes of the API. What a judge receives never names an entrant:
an entry is its anonymous code, title, description and the judges' copy of its image."""

from rest_framework import serializers


class PairDecisionSerializer(serializers.Serializer):
    winner = serializers.CharField(
        allow_null=True,
        required=False,
        default=None,
        help_text='"left" or "right"; null with skip: true (판단 보류)',
    )
    skip = serializers.BooleanField(required=False, default=False)


class RecusePairSerializer(serializers.Serializer):
    side = serializers.ChoiceField(
        choices=["left", "right"], help_text="the entry you have a conflict of interest with"
    )
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


def side_body(side) -> dict:
    return {
        "code": side.code,
        "title": side.title,
        "description": side.description,
        "image_url": side.image_url,
    }


def pair_body(pair) -> dict | None:
    if pair is None:
        return None
    return {
        "id": pair.id,
        "left": side_body(pair.left),
        "right": side_body(pair.right),
        "served_at": serializers.DateTimeField().to_representation(pair.served_at),
    }


def pair_page_body(page) -> dict:
    rnd = page.round
    return {
        "round": {
            "id": rnd.pk,
            "code": rnd.code,
            "name": rnd.name,
            "closes_at": serializers.DateTimeField().to_representation(rnd.judging_closes_at)
            if rnd.judging_closes_at
            else None,
        },
        "comparison": pair_body(page.current),
        "upcoming": pair_body(page.upcoming),
        "progress": {
            "today": page.progress.today,
            "total": page.progress.total,
            "decided": page.progress.decided,
        },
        "reliability": {
            "ssr": None if page.ssr is None else round(page.ssr, 4),
            "decisions": page.ssr_decisions,
            "complete": page.complete,
        },
    }


def _number(value, digits: int = 6):
    return None if value is None else round(float(value), digits)


def scale_body(report, entries: list) -> dict:
    """The organizer's scale: SSR and the stopping rule, per division, judges' infit, and the
    page of entries (by receipt number) given."""
    return {
        "round": {"id": report.round.pk, "code": report.round.code, "name": report.round.name},
        "ssr": _number(report.ssr, 4),
        "complete": report.complete,
        "stopping_rule": report.stopping_rule,
        "decisions": report.decisions,
        "decided_now": report.decided_now,
        "divisions": [
            {
                "division": g.code,
                "name": g.name,
                "entries": g.size,
                "ssr": _number(g.ssr, 4),
                "min_comparisons": g.min_comparisons,
                "below_minimum": g.below_minimum,
                "complete": g.complete,
            }
            for g in report.groups
        ],
        "judges": [
            {
                "judge": j.username,
                "name": j.name,
                "comparisons": j.comparisons,
                "infit": _number(j.infit),
                "misfit": j.misfit,
            }
            for j in report.judges
        ],
        "history": [
            {
                "decisions": p.decisions,
                "per_entry": _number(p.per_entry, 3),
                "ssr": [None if s != s else round(s, 4) for s in p.ssr],  # NaN → null
            }
            for p in report.history
        ],
        "entries": [
            {
                "rank": e.rank,
                "entry_code": e.receipt,
                "division": e.division,
                "theta": _number(e.theta),
                "se": _number(e.se),
                "comparisons": e.comparisons,
                "wins": e.wins,
                "infit": _number(e.infit),
                "misfit": e.misfit,
                "score": e.score,
            }
            for e in entries
        ],
    }
