import pytest

from accounts.enums import Role
from judging.models import PanelMember
from judging.services.panel import judge_profile_set
from tests.factories import demo_world_make, user_make


@pytest.fixture
def judged(db, organizer):
    """Both contests open, demo entries (3 submitted proposals + 1 draft, 6 drawings), the
    organizer running both, and a panel of 4 judges on Track D's preliminary round."""
    smart, drawing = demo_world_make(proposals=4, drawings=6)
    smart.organizers.add(organizer)
    drawing.organizers.add(organizer)
    prelim = drawing.rounds.get(code="prelim")
    judges = [user_make(Role.JUDGE, affiliation=f"대학교{i}") for i in range(4)]
    for j in judges:
        PanelMember.objects.create(round=prelim, judge=j)
    judge_profile_set(judge=judges[0], expertise=["lower"])
    return {"smart": smart, "drawing": drawing, "prelim": prelim, "judges": judges}
