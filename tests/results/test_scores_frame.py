"""results.services.rankings.scores_frame: every submitted score of a round, nothing else, as
(judge, entry, criterion, points) with the entry's canonical UUID text — the same frame on
SQLite and PostgreSQL, whichever way the scores travel from the database."""

import pytest

from judging.models import Assignment
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from results.services.rankings import scores_frame

pytestmark = pytest.mark.django_db


def test_scores_frame_holds_the_submitted_scores_only(judged, organizer):
    prelim = judged["prelim"]
    judges_assign(user=organizer, round=prelim)
    criteria = list(prelim.criteria.order_by("order"))
    expected = set()
    for n, a in enumerate(Assignment.objects.filter(round=prelim).order_by("pk")):
        points = {c.code: c.max_points - (n % 3) - 0.5 * (i % 2) for i, c in enumerate(criteria)}
        submit = n % 4 != 3  # every fourth card stays a draft
        scorecard_save(user=a.judge, assignment_id=a.pk, scores=points, submit=submit)
        if submit:
            expected |= {(a.judge_id, str(a.entry_id), code, p) for code, p in points.items()}

    frame = scores_frame(prelim)

    assert list(frame.columns) == ["judge", "entry", "criterion", "points"]
    rows = set(frame.itertuples(index=False, name=None))
    assert rows == expected
    assert len(frame) == len(expected)
    assert all(len(entry) == 36 and entry.count("-") == 4 for entry in frame["entry"])


def test_scores_frame_of_a_round_without_submitted_scores_is_empty(judged):
    frame = scores_frame(judged["prelim"])

    assert frame.empty
    assert list(frame.columns) == ["judge", "entry", "criterion", "points"]
