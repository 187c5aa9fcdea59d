import pytest
from django.core import mail
from django.test import TestCase
from django.test.utils import override_settings
from django.utils import timezone

from accounts.enums import Role
from contests.demo import demo_users_seed
from contests.seed import wsce2021_seed
from judging.models import PanelMember
from judging.services.panel import judge_profile_set
from submissions.demo import demo_entries_seed
from tests.factories import user_make


@pytest.fixture
def judged(db, organizer):
    """Both contests open, demo entries (3 submitted proposals + 1 draft, 6 drawings), the
    organizer running both, and a panel of 4 judges on Track D's preliminary round."""
    smart, drawing = wsce2021_seed(demo_now=timezone.now())
    demo_users_seed(password="pw-demo-2021", contests=[])
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        demo_entries_seed(
            smart=smart, drawing=drawing, proposals=4, drawings=6, password="pw-demo-2021"
        )
    mail.outbox.clear()  # the demo entries' receipts are not what the tests read
    smart.organizers.add(organizer)
    drawing.organizers.add(organizer)
    prelim = drawing.rounds.get(code="prelim")
    judges = [user_make(Role.JUDGE, affiliation=f"대학교{i}") for i in range(4)]
    for j in judges:
        PanelMember.objects.create(round=prelim, judge=j)
    judge_profile_set(judge=judges[0], expertise=["lower"])
    return {"smart": smart, "drawing": drawing, "prelim": prelim, "judges": judges}
