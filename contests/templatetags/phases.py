"""The phase rule in templates (``contests.phases``), so a page offers only what the services
accept: ``{% if contest|takes_entries %}`` and ``{{ contest|public_phase }}``. Dates and status
only: no query (the rounds are not read)."""

from django import template

from contests.phases import Phase, contest_phase

register = template.Library()


@register.filter
def takes_entries(contest) -> bool:
    """Submissions are open now (the entrant's own extension aside)."""
    return contest_phase(contest, round_list=()).phase == Phase.OPEN


@register.filter
def public_phase(contest) -> str:
    """Where the contest stands, in words the public reads (not yet open, taking entries,
    submissions closed, results published)."""
    return str(Phase(contest_phase(contest, round_list=()).phase).label)
