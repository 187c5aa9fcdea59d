"""Demo accounts for `seed_wsce2021 --demo` (DEBUG only): one login per role."""

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from accounts.services import organizer_group
from contests.models import Contest

DEMO_USERS = [  # username, role, name, affiliation
    ("organizer", Role.ORGANIZER, "운영자 김하늘", "WSCE 2021 사무국"),
    ("judge", Role.JUDGE, "심사위원 이도현", "한국스마트시티연구원"),
    ("student", Role.STUDENT, "학생 박지민", "서울대학교"),
    ("guardian", Role.GUARDIAN, "보호자 최수진", ""),
]


@transaction.atomic
def demo_users_seed(*, password: str, contests: list[Contest]) -> list[tuple[str, str]]:
    """Create (or reset) the demo logins; returns (role, username) pairs."""
    logins = []
    for username, role, name, affiliation in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults=dict(
                name=name,
                role=role,
                affiliation=affiliation,
                email=f"{username}@demo.gongmo.invalid",
                is_staff=(role == Role.ORGANIZER),
            ),
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if role == Role.ORGANIZER:
            user.groups.add(organizer_group())
            for contest in contests:
                contest.organizers.add(user)
        logins.append((role.value, username))
    return logins
