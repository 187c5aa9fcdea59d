"""Background tasks of judging, queued through ``core.tasks`` for large rounds.

They take ids, re-fetch, act as the person who queued them (``core.actors.actor_get``: the
service checks that person's permission again) and are idempotent: the assignment keeps
existing pairs.
"""

from contests.models import Round
from core.actors import actor_get
from core.tasks import job_progress
from judging.scale import pairwise_scale
from judging.services.assignment import judges_assign


def round_assign(*, round_id: int, user_id: int | None = None, seed: int = 0) -> dict:
    """Run the assignment of a round (``judges_assign``); returns its summary's counts."""
    rnd = Round.objects.select_related("contest").get(pk=round_id)
    job_progress(10)
    summary = judges_assign(user=actor_get(user_id), round=rnd, seed=seed)
    job_progress(100)
    return {"assigned": summary.assigned, "total": summary.total}


def round_scale_refresh(*, round_id: int) -> dict:
    """Refit a comparative-judgement round's scale (``judging.scale.pairwise_scale``), so that
    judges' pages and the pairing read a recent one from the cache. Reads only; idempotent."""
    rnd = Round.objects.select_related("contest").get(pk=round_id)
    scale = pairwise_scale(round=rnd)
    return {"decisions": scale.decisions}
