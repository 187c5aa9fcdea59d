"""Moving a contest's calendar for the demo (and the tests): the phase rule
(``contests.phases``) reads the dates, so the demo puts each contest where its journeys can run.

Entries are made through the real services while a contest takes them; then its calendar moves
on, as time would: the deadline passes and the first round's judging window opens.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from contests.models import Contest

KST = ZoneInfo("Asia/Seoul")


def calendar_shift(contest: Contest, delta: timedelta) -> Contest:
    """Move every date of the contest (submissions, judging windows, announcement) by
    ``delta``, keeping the distances between them."""
    for name in ("opens_at", "closes_at", "results_at"):
        if getattr(contest, name) is not None:
            setattr(contest, name, getattr(contest, name) + delta)
    contest.save(update_fields=["opens_at", "closes_at", "results_at"])
    for rnd in contest.rounds.all():
        for name in ("judging_opens_at", "judging_closes_at"):
            if getattr(rnd, name) is not None:
                setattr(rnd, name, getattr(rnd, name) + delta)
        rnd.save(update_fields=["judging_opens_at", "judging_closes_at"])
    return contest


def calendar_in_first_round(contest: Contest, *, now: datetime, days_ago: int = 2) -> Contest:
    """Move the calendar so that submissions closed ``days_ago`` days ago (at the same time of
    day, KST) and the first round is being judged now: the real schedule's distances kept, as
    on the day of the 2021 contest when round 1 had been judged for a day or so."""
    closes = contest.closes_at.astimezone(KST)
    target = datetime.combine(
        now.astimezone(KST).date() - timedelta(days=days_ago), closes.timetz()
    )
    calendar_shift(contest, target - closes)
    first = contest.rounds.order_by("order").first()
    if first is not None and (
        first.judging_opens_at is None or first.judging_opens_at > now
    ):  # a configuration without such a window: open round 1 now for two weeks
        first.judging_opens_at = now - timedelta(hours=1)
        first.judging_closes_at = max(first.judging_closes_at or now, now + timedelta(days=14))
        first.save(update_fields=["judging_opens_at", "judging_closes_at"])
    return contest


def calendar_all_rounds_open(contest: Contest, *, now: datetime) -> Contest:
    """The tests' shortcut: submissions closed an hour ago, every round's window open now for
    thirty days (a whole season in one test)."""
    contest.opens_at = now - timedelta(days=30)
    contest.closes_at = now - timedelta(hours=1)
    contest.save(update_fields=["opens_at", "closes_at"])
    contest.rounds.update(
        judging_opens_at=now - timedelta(minutes=30), judging_closes_at=now + timedelta(days=30)
    )
    return contest
