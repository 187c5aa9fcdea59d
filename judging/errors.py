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


class NotPairwise(ValidationFailed):
    code = "not_pairwise"
    default_message = _("This round is not judged in pairs.")


class AlreadyDecided(Conflict):
    code = "already_decided"
    default_message = _("This pair has already been decided.")


class PairWithdrawn(Conflict):
    code = "pair_withdrawn"
    default_message = _(
        "One of these entries is no longer being judged. The next pair is ready instead."
    )
