"""Who still owes which scorecards: what the phase rule (``contests.phases.RoundFacts``), the
ranking's refusal, the organizer's checklist and the reminders read. One query for any number
of rounds.

An assignment counts when a judge can score it (``judging.selectors.scorable_assignments``: not
recused, the drawing's guardian consent in force): a drawing whose consent was withdrawn left
every queue and owes nothing.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from judging.enums import ScorecardStatus
from judging.models import Scorecard
from judging.selectors import scorable_assignments


@dataclass(frozen=True)
class JudgeOwes:
    judge_id: int
    name: str
    affiliation: str
    email: str
    assigned: int
    submitted: int

    @property
    def outstanding(self) -> int:
        return max(0, self.assigned - self.submitted)


def rounds_owed(round_ids) -> dict[int, list[JudgeOwes]]:
    """Per round: every judge with a scorable assignment, how many they hold and have
    submitted, by name (one query)."""
    round_ids = list(round_ids)
    submitted = Scorecard.objects.filter(
        round_id=OuterRef("round_id"),
        entry_id=OuterRef("entry_id"),
        judge_id=OuterRef("judge_id"),
        status=ScorecardStatus.SUBMITTED,
    )
    rows = (
        scorable_assignments()
        .filter(round_id__in=round_ids)
        .annotate(done=Exists(submitted))
        .values(
            "round_id", "judge_id", "judge__name", "judge__username", "judge__affiliation",
            "judge__email",
        )
        .annotate(n=Count("id"), k=Count("id", filter=Q(done=True)))
        .order_by("round_id", "judge__name", "judge__username")
    )  # fmt: skip
    out: dict[int, list[JudgeOwes]] = {r: [] for r in round_ids}
    for row in rows:
        out[row["round_id"]].append(
            JudgeOwes(
                judge_id=row["judge_id"],
                name=row["judge__name"] or row["judge__username"],
                affiliation=row["judge__affiliation"],
                email=row["judge__email"],
                assigned=row["n"],
                submitted=row["k"],
            )
        )
    return out


def outstanding_pairs(owes: list[JudgeOwes]) -> tuple[tuple[str, int], ...]:
    """(name, scorecards outstanding) of the judges who owe any, for ``RoundFacts``."""
    return tuple((j.name, j.outstanding) for j in owes if j.outstanding)
