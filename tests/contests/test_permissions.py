from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from contests.enums import ContestStatus
from contests.models import Contest
from contests.permissions import submissions_open

KST = ZoneInfo("Asia/Seoul")


def contest(status=ContestStatus.OPEN):
    return Contest(
        status=status,
        opens_at=datetime(2021, 6, 1, 9, 0, 0, tzinfo=KST),
        closes_at=datetime(2021, 7, 31, 23, 59, 59, tzinfo=KST),
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2021, 6, 1, 8, 59, 59, tzinfo=KST), False),  # one second early
        (datetime(2021, 6, 1, 9, 0, 0, tzinfo=KST), True),  # the opening second
        (datetime(2021, 7, 31, 23, 59, 59, tzinfo=KST), True),  # the last second
        (datetime(2021, 7, 31, 23, 59, 59, 999_999, tzinfo=KST), True),  # still 23:59:59
        (datetime(2021, 8, 1, 0, 0, 0, tzinfo=KST), False),  # midnight is too late
        (datetime(2021, 7, 31, 14, 59, 59, tzinfo=ZoneInfo("UTC")), True),  # = 23:59:59 KST
        (datetime(2021, 7, 31, 15, 0, 0, tzinfo=ZoneInfo("UTC")), False),  # = 00:00:00 KST
    ],
)
def test_deadline_to_the_second_in_kst(now, expected):
    assert submissions_open(contest(), now=now) is expected


@pytest.mark.parametrize("status", [s for s in ContestStatus.values if s != "open"])
def test_only_open_contests_take_submissions(status):
    assert not submissions_open(contest(status), now=datetime(2021, 7, 1, tzinfo=KST))
