"""Background tasks of results, queued through ``core.tasks`` for large rounds.

They take ids, re-fetch, act as the person who queued them (``core.actors.actor_get``: the
service checks that person's permission again) and are idempotent: a ranking recomputed from
the same scores is the same ranking.
"""

from contests.models import Round
from core.actors import actor_get
from core.tasks import job_progress
from results.services.announcement import publication_scheduled_run
from results.services.certificates_issue import certificates_issue
from results.services.rankings import ranking_compute


def round_rank(
    *,
    round_id: int,
    user_id: int | None = None,
    method: str | None = None,
    override_reason: str = "",
) -> str:
    """Compute a round's ranking (``ranking_compute``); returns the snapshot's id."""
    rnd = Round.objects.select_related("contest").get(pk=round_id)
    job_progress(10)
    snapshot = ranking_compute(
        user=actor_get(user_id), round=rnd, method=method, override_reason=override_reason
    )
    job_progress(100)
    return str(snapshot.pk)


def certificates_issue_run(*, batch_id: int, user_id: int | None = None) -> str:
    """Issue a published contest's certificates (``certificates_issue``); returns the
    batch's id. Progress goes to the job as the entries are worked through."""
    batch = certificates_issue(user=actor_get(user_id), batch_id=batch_id)
    return str(batch.pk)


def publication_scheduled(*, contest_id: int, user_id: int | None = None, due: str = "") -> str:
    """Publish a contest's results at the scheduled time (``manage.py publish_due`` queues it),
    acting as the organizer who scheduled them; a no-op once done or cancelled."""
    return publication_scheduled_run(contest_id=contest_id, user_id=user_id, due=due)
