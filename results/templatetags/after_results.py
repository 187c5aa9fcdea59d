"""Template tags for what follows publication, so that pages owned by other apps need one
line each: the entry page shows its owner's feedback, certificates and appeal
(``{% entry_after_results entry as after %}`` in ``submissions/_feedback.html``), and the
public results page shows when and why the results changed (``results/after_history.html``).
"""

from django import template

from core.errors import NotFound
from results.selectors import publication_live
from results.selectors_after import (
    APPEALABLE,
    appeal_of_entry,
    appeal_window_closes_at,
    appeal_window_open,
    certificates_of_entry,
    feedback_for,
    feedback_shown,
    publication_history,
)

register = template.Library()


@register.simple_tag
def entry_after_results(entry, user) -> dict | None:
    """What the entry page shows after publication, for its owner; None before (or for
    anyone else: organizers have their own pages)."""
    if not (getattr(user, "is_authenticated", False) and entry.owner_id == user.pk):
        return None
    contest = entry.contest
    live = publication_live(contest)
    appeal = appeal_of_entry(user=user, entry=entry)
    if live is None and appeal is None:
        return None
    feedback = None
    if live is not None and feedback_shown(entry=entry, user=user):
        try:
            feedback = feedback_for(user=user, entry=entry)
        except NotFound:
            feedback = None
    return {
        "live": live,
        "feedback": feedback,
        "certificates": certificates_of_entry(user=user, entry=entry) if live else [],
        "appeal": appeal,
        "can_appeal": (
            appeal is None and entry.status in APPEALABLE and appeal_window_open(contest)
        ),
        "window_closes": appeal_window_closes_at(contest),
    }


@register.simple_tag
def results_history(contest) -> dict:
    """The versions of the contest's results (newest first) and the live one's change note."""
    versions = publication_history(contest)
    live = next((v for v in versions if v["unpublished_at"] is None), None)
    return {"versions": versions, "live": live}
