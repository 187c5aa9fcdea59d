"""Refusals of the phase rule (``contests.phases``), each with the stable code DOMAIN §2 names.

The message is a sentence for the user (translated; the times in it are KST); ``detail`` says
what is missing in a form a client can use (``phase``, ``action`` and, per code, the dates, the
round or the judges with scorecards outstanding).
"""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, Forbidden, ValidationFailed


class SubmissionsOpen(Conflict):
    """The action waits for the deadline (judging, ranking, publishing while entries come in)."""

    code = "submissions_open"
    default_message = _("Submissions are still open; this can start after the deadline.")


class SubmissionsClosed(Forbidden):
    """An entrant's change after the deadline (and the entry's own extension)."""

    code = "submissions_closed"
    default_message = _("Submissions for this contest are closed.")


class JudgingWindowClosed(Forbidden):
    """Scoring outside the round's judging window (before it opens or after it closes)."""

    code = "judging_window_closed"
    default_message = _("Scorecards are saved only inside the round's judging window.")


class ScorecardsOutstanding(Conflict):
    """Ranking while judges still owe scorecards (without an override and its reason)."""

    code = "scorecards_outstanding"
    default_message = _("Some scorecards of this round are not submitted yet.")


class JudgingIncomplete(Conflict):
    """The final ranking, the allocation or publication before the last round is judged."""

    code = "judging_incomplete"
    default_message = _("The last round is not judged yet.")


class AllocationNotApproved(ValidationFailed):
    code = "allocation_not_approved"
    default_message = _("Approve the prize allocation before publishing.")


class ResultsPublished(Conflict):
    """A change to what publication froze, while it is live."""

    code = "results_published"
    default_message = _("The results are published. Unpublish them first (the reason is recorded).")


class ContestArchived(Conflict):
    code = "contest_archived"
    default_message = _("This contest is archived: it can only be read.")
