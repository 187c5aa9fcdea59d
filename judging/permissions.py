"""Named rules about judging."""

from accounts.enums import Role


def is_judge(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == Role.JUDGE
