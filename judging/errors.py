from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, ValidationFailed


class AssignmentInfeasible(ValidationFailed):
    code = "assignment_infeasible"
    default_message = _("Some entries do not have enough judges without a conflict of interest.")


class ScorecardLocked(Conflict):
    code = "scorecard_locked"
    default_message = _("This scorecard is submitted and locked. Ask the organizer to unlock it.")


class EditConflict(Conflict):
    code = "edit_conflict"
    default_message = _("The scorecard was changed elsewhere. Reload it and try again.")
