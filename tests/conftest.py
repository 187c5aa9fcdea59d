import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.enums import Role
from contests.seed import wsce2021_seed
from judging.models import PanelMember
from judging.services.panel import judge_profile_set
from tests.factories import demo_world_make, judging_open, user_make

pytest_plugins = ["tests.s3server"]  # moto's server mode: the S3 endpoint of the tests


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: every test starts with none."""

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def wsce(db):
    """Both WSCE 2021 contests, configured exactly as DOMAIN.md says."""
    return wsce2021_seed()


# The fixed cast for permission tests (CONVENTIONS "Tests").
@pytest.fixture
def organizer(db):
    return user_make(Role.ORGANIZER, is_staff=True)


@pytest.fixture
def judge(db):
    return user_make(Role.JUDGE)


@pytest.fixture
def other_judge(db):
    return user_make(Role.JUDGE)


@pytest.fixture
def student(db):
    return user_make(Role.STUDENT)


@pytest.fixture
def other_student(db):
    return user_make(Role.STUDENT)


@pytest.fixture
def guardian(db):
    return user_make(Role.GUARDIAN)


@pytest.fixture
def other_guardian(db):
    return user_make(Role.GUARDIAN)


@pytest.fixture
def judged(db, organizer):
    """Both contests with demo entries (3 submitted proposals + 1 draft, 6 drawings), then
    their deadlines passed and every round's judging window open (``factories.judging_open``),
    the organizer running both, and a panel of 4 judges on Track D's preliminary round."""
    smart, drawing = demo_world_make(proposals=4, drawings=6)
    judging_open(smart, drawing)
    smart.organizers.add(organizer)
    drawing.organizers.add(organizer)
    prelim = drawing.rounds.get(code="prelim")
    judges = [user_make(Role.JUDGE, affiliation=f"대학교{i}") for i in range(4)]
    for j in judges:
        PanelMember.objects.create(round=prelim, judge=j)
    judge_profile_set(judge=judges[0], expertise=["lower"])
    return {"smart": smart, "drawing": drawing, "prelim": prelim, "judges": judges}
