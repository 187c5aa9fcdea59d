"""Background tasks of judging, queued through ``core.tasks`` for large rounds.

They take ids, re-fetch, act as the organizer who queued them (``system=True``: the
permission was checked when the job was queued) and are idempotent: the assignment keeps
existing pairs, and a ranking recomputed from the same scores is the same ranking.
"""

from accounts.models import User
from contests.models import Round
from core.tasks import job_progress


def _round_and_user(round_id: int, user_id: int | None):
    rnd = Round.objects.select_related("contest").get(pk=round_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    return rnd, user


def round_assign(*, round_id: int, user_id: int | None = None, seed: int = 0) -> dict:
    """Run the assignment of a round (``judges_assign``); returns its summary's counts."""
    from judging.services.assignment import judges_assign

    rnd, user = _round_and_user(round_id, user_id)
    job_progress(10)
    summary = judges_assign(user=user, round=rnd, seed=seed, system=True)
    job_progress(100)
    return {"assigned": summary.assigned, "total": summary.total}
