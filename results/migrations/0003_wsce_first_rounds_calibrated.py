"""Existing installs: the WSCE 2021 first rounds (Track S 1차, Track D 예선) move from the old
seed default ``z_score`` to ``calibrated`` (docs/ranking-calibration.md), like a fresh seed —
but only a round still on ``z_score`` and never ranked: a round already ranked, or whose method
an organizer changed, keeps its method. Reversing moves those rounds back (if still unranked)."""

from django.db import migrations

FIRST_ROUNDS = {"wsce2021-smart-city": "r1", "wsce2021-drawing": "prelim"}


def _rounds(apps, method: str):
    Round = apps.get_model("contests", "Round")
    RankingSnapshot = apps.get_model("results", "RankingSnapshot")
    ranked = RankingSnapshot.objects.filter(round__isnull=False).values("round_id")
    for slug, code in FIRST_ROUNDS.items():
        yield from Round.objects.filter(contest__slug=slug, code=code, method=method).exclude(
            pk__in=ranked
        )


def forwards(apps, schema_editor):
    for rnd in _rounds(apps, "z_score"):
        rnd.method = "calibrated"
        rnd.save(update_fields=["method"])


def backwards(apps, schema_editor):
    for rnd in _rounds(apps, "calibrated"):
        rnd.method = "z_score"
        rnd.save(update_fields=["method"])


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0004_round_calibration_lambda"),
        ("results", "0002_ranking_certainty"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
