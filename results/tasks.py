"""Background tasks of results, queued through ``core.tasks`` for large rounds.

They take ids, re-fetch and are idempotent: a ranking recomputed from the same scores is the
same ranking.
"""

from accounts.models import User
from contests.models import Round
from core.tasks import job_progress
from results.services.rankings import ranking_compute


def round_rank(*, round_id: int, user_id: int | None = None, method: str | None = None) -> str:
    """Compute a round's ranking (``ranking_compute``); returns the snapshot's id."""
    rnd = Round.objects.select_related("contest").get(pk=round_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    job_progress(10)
    snapshot = ranking_compute(user=user, round=rnd, method=method, system=True)
    job_progress(100)
    return str(snapshot.pk)
