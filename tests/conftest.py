import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.enums import Role
from contests.seed import wsce2021_seed
from tests.factories import user_make

pytest_plugins = ["tests.s3server"]  # moto's server mode: the S3 endpoint of the tests


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: every test starts with none."""
    from django.core.cache import cache

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
