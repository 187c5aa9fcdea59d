"""Named rules about judging."""

from datetime import datetime

from django.utils import timezone

from accounts.enums import Role


def is_judge(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == Role.JUDGE


def judging_window_open(rnd, *, now: datetime | None = None) -> bool:
    """Inside the round's judging window (DOMAIN §5), to the second as every deadline: the
    closing time is the last accepted second. A window not set on one side is open on it.

    The one place comparative judgement asks; point it at the contest's phase rule
    (``contests.phases``) once that exists."""
    now = (now or timezone.now()).replace(microsecond=0)
    if rnd.judging_opens_at is not None and now < rnd.judging_opens_at:
        return False
    return not (rnd.judging_closes_at is not None and now > rnd.judging_closes_at)
