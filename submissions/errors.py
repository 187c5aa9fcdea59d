"""Domain errors of entries and files, each with its stable API code."""

from django.utils.translation import gettext_lazy as _

from contests.errors import SubmissionsClosed  # the phase rule's (contests.phases)
from core.errors import Conflict, Forbidden, ValidationFailed

__all__ = ["SubmissionsClosed"]  # and the refusals below


class WrongRole(Forbidden):
    code = "wrong_role"
    default_message = _("This contest takes entries from another kind of account.")


class AlreadyEntered(Conflict):
    code = "already_entered"
    default_message = _("This child already has a drawing entered in this contest.")


class AlreadyOnTeam(Conflict):
    code = "already_on_team"
    default_message = _("You are already on another team of this contest.")


class EntryLocked(Conflict):
    code = "entry_locked"
    default_message = _("This entry can no longer be changed.")


class IncompleteEntry(ValidationFailed):
    code = "incomplete_entry"
    default_message = _("The entry is not complete yet.")


class IneligibleAge(ValidationFailed):
    code = "ineligible_age"
    default_message = _("Children born in this year cannot enter this contest.")


class VerificationRequired(ValidationFailed):
    code = "verification_required"
    default_message = _("Verify the guardian's email address with the code we sent first.")
