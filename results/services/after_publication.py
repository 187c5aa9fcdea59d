"""The hooks that publishing and unpublishing call (DOMAIN §8 "After publication"), so that
``results.services.publication`` needs one line for each:

* a publication gets the next version of its contest and names the one it replaces;
* publishing freezes the entrants' feedback, resolves the accepted appeals, and re-issues the
  certificates if the contest had any (reinstating the unchanged ones);
* unpublishing revokes every live certificate.
"""

from contests.models import Contest
from results.models import Publication
from results.services.appeals import appeals_resolve_on_publish
from results.services.certificates_issue import (
    certificates_reissue_after_publish,
    certificates_revoke,
)
from results.services.feedback import feedback_freeze


def publication_version_next(contest: Contest) -> dict:
    """``version`` and ``supersedes`` for the contest's next publication (the caller holds
    the contest's row lock, so two publications never draw the same number)."""
    latest = Publication.objects.filter(contest=contest).order_by("-version").first()
    return {"version": latest.version + 1 if latest else 1, "supersedes": latest}


def publication_after(*, user, publication: Publication) -> None:
    """Inside the publishing transaction, after the entries' statuses are set."""
    feedback_freeze(publication=publication)
    appeals_resolve_on_publish(user=user, publication=publication)
    certificates_reissue_after_publish(user=user, contest=publication.contest)


def unpublication_after(*, user, publication: Publication) -> None:
    """Inside the unpublishing transaction."""
    certificates_revoke(
        user=user,
        contest=publication.contest,
        reason=publication.unpublish_reason or "results withdrawn",
    )
