"""Demo judging for `seed_wsce2021 --demo`: judges, panels, an assignment, some scorecards."""

import random

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from contests.models import Contest
from core.actors import SYSTEM
from judging.models import Assignment, PanelMember
from judging.services.assignment import judges_assign
from judging.services.panel import judge_profile_set
from judging.services.scoring import scorecard_save

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


@transaction.atomic
def demo_judging_seed(*, smart: Contest, drawing: Contest, judges: int, password: str) -> int:
    """Idempotent: does nothing once the demo rounds have assignments."""
    rounds = [smart.rounds.get(order=1), drawing.rounds.get(order=1)]
    if Assignment.objects.filter(round__in=rounds).exists():
        return 0
    people = []
    for i in range(max(judges, 3)):
        username = "judge" if i == 0 else f"demo-judge{i}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": Role.JUDGE,
                "name": f"심사위원{i}",
                "email": f"{username}@demo.gongmo.invalid",
            },
        )
        if created:
            user.set_password(password)
        user.affiliation = AFFILIATIONS[i % len(AFFILIATIONS)]
        user.save()
        judge_profile_set(judge=user, expertise=EXPERTISE[i % len(EXPERTISE)])
        people.append(user)
    for rnd in rounds:
        for user in people:
            PanelMember.objects.get_or_create(round=rnd, judge=user)
        judges_assign(user=SYSTEM, round=rnd, seed=2021)
    rng = random.Random(7)  # noqa: S311 (demo scores)
    demo_judge = people[0]
    for n, a in enumerate(
        Assignment.objects.filter(judge=demo_judge)
        .select_related("round")
        .order_by("queue_order")[:3]
    ):
        scores = {
            c.code: rng.randrange(c.max_points // 2, c.max_points + 1)
            for c in a.round.criteria.all()
        }
        scorecard_save(
            user=demo_judge, assignment_id=a.pk, scores=scores, comment="데모 심사평", submit=n < 2
        )
    return len(people)
