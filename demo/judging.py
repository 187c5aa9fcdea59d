"""Demo judging for `seed_wsce2021 --demo`: a contest whose first round is being judged.

The two WSCE 2021 contests of the demo take entries (students and guardians can enter), and
nothing is judged while a contest takes entries (``contests.phases``). So the demo adds a third
contest, a copy of Track D's configuration named as a demo: its drawings were entered while it
was open, then its calendar moved on — the deadline passed two days ago and the preliminary
round is being judged. Judges sit on its panel and are assigned; the ``judge`` login has two
scorecards submitted and one draft, the others have not started, so the organizer's checklist
has judges to remind, a ranking to refuse (or to run with a reason) and everything after it.
"""

import random
from datetime import datetime

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from contests.models import Contest
from contests.seed import D_CLOSE, demo_shift, drawing_contest_seed
from core.actors import SYSTEM
from demo.calendar import calendar_in_first_round
from demo.entries import demo_drawings_seed
from judging.models import Assignment, PanelMember
from judging.services.assignment import judges_assign
from judging.services.panel import judge_profile_set
from judging.services.scoring import scorecard_save
from submissions.models import Entry

DEMO_JUDGING = "wsce2021-drawing-judging-demo"
AFFILIATIONS = [
    "한국교통연구원",
    "국토연구원",
    "한국예술종합학교",
    "서울시립대학교",
    "한국에너지기술연구원",
    "KAIST",
    "홍익대학교",
    "LH 토지주택연구원",
]
EXPERTISE = [
    ["mobility"],
    ["governance"],
    ["culture", "preschool"],
    ["education", "lower"],
    ["energy"],
    ["healthcare", "upper"],
    ["culture", "upper"],
    ["mobility", "energy"],
]
JUDGE_NAMES = ["이도현", "김서연", "박준호", "최유진", "정민재", "강하늘", "윤지아", "한소희"]


def demo_judging_contest(*, now: datetime) -> Contest:
    """The demo's third contest (Track D's configuration), created taking entries: its calendar
    moves on once its drawings are in (``demo_judging_seed``)."""
    return drawing_contest_seed(
        slug=DEMO_JUDGING,
        title_ko="[데모] 어린이 그림그리기 공모전 · 예선 심사 중",
        title_en="[Demo] Children's Drawing Contest · preliminary round under way",
        receipt_prefix="DEMO-D",
        shift=demo_shift(D_CLOSE, now),
    )


def _judges(n: int, password: str) -> list[User]:
    people = []
    for i in range(max(n, 3)):
        username = "judge" if i == 0 else f"demo-judge{i}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": Role.JUDGE,
                "name": f"심사위원 {JUDGE_NAMES[i % len(JUDGE_NAMES)]}",
                "email": f"{username}@demo.gongmo.invalid",
            },
        )
        if created:
            user.set_password(password)
        user.affiliation = AFFILIATIONS[i % len(AFFILIATIONS)]
        user.save()
        judge_profile_set(judge=user, expertise=EXPERTISE[i % len(EXPERTISE)])
        people.append(user)
    return people


@transaction.atomic
def demo_judging_seed(
    *, contest: Contest, judges: int, drawings: int, password: str, now: datetime
) -> int:
    """Drawings in, the deadline passed, round 1 assigned and partly scored. Idempotent: the
    calendar moves again on every run (the seed resets it), the rest is made once."""
    if not Entry.objects.filter(contest=contest).exists():
        rng = random.Random(2022)  # noqa: S311 (demo content, not security)
        demo_drawings_seed(
            contest=contest, drawings=drawings, password=password, rng=rng, titles="우리 동네"
        )
    calendar_in_first_round(contest, now=now)
    prelim = contest.rounds.get(order=1)
    if Assignment.objects.filter(round=prelim).exists():
        return 0
    people = _judges(judges, password)
    for user in people:
        PanelMember.objects.get_or_create(round=prelim, judge=user)
    judges_assign(user=SYSTEM, round=prelim, seed=2021)
    rng = random.Random(7)  # noqa: S311 (demo scores)
    demo_judge = people[0]
    mine = (
        Assignment.objects.filter(judge=demo_judge, round=prelim)
        .select_related("round")
        .order_by("queue_order")[:3]
    )
    for n, a in enumerate(mine):
        scores = {
            c.code: rng.randrange(c.max_points // 2, c.max_points + 1)
            for c in a.round.criteria.all()
        }
        scorecard_save(
            user=demo_judge, assignment_id=a.pk, scores=scores, comment="데모 심사평", submit=n < 2
        )
    return len(people)
