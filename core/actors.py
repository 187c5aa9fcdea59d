"""Who acts when no person does: an operator's command or a scheduled job.

Authorisation is never switched off by a flag. A service always asks its predicates about an
actor; a command or job passes the explicit :data:`SYSTEM` actor, which the predicates recognise
(an organizer of every contest, never a judge or an entrant). ``SYSTEM.on_behalf_of(user)``
is the system acting for a person after that person's own permitted action (a judge's recusal
makes the system reassign): the audit trail names the person, the permission is the system's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class SystemActor:
    person: Any = None  # the user on whose behalf the system acts, recorded in the audit trail

    is_system = True
    is_authenticated = False  # never a logged-in person: nothing is "created_by" the system
    is_superuser = False
    is_active = False

    @property
    def pk(self) -> int | None:
        return getattr(self.person, "pk", None)

    def on_behalf_of(self, person: Any) -> SystemActor:
        return SystemActor(person=person)

    def __str__(self) -> str:
        return f"system (for {self.person})" if self.person is not None else "system"


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def actor_get(user_id: int | None) -> Any:
    """Who a background job acts as: the person who queued it (their permissions are checked
    again when it runs: someone who lost the role meanwhile gets nothing done), or the system
    for work no person queued."""
    if user_id is None:
        return SYSTEM
    user = get_user_model().objects.filter(pk=user_id).first()
    return user if user is not None else AnonymousUser()  # account gone: may do nothing
