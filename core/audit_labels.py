"""What each audited change is called, for people (the admin's audit trail): words, not the
codes services record (``core.audit.audit_record(action=…)``). An action missing here shows
its code; add its label when you add an action."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "allocation.approve": _("Prize allocation approved"),
    "allocation.boundaries": _("Contested prize boundaries acknowledged"),
    "allocation.compute": _("Prize allocation computed"),
    "assignment.recuse": _("Judge recused from an entry"),
    "assignment.release": _("Assignment released"),
    "assignment.run": _("Judges assigned"),
    "assignment.short": _("Too few judges for an entry"),
    "conflict.declare": _("Conflict of interest declared"),
    "consent.withdraw": _("Consent withdrawn"),
    "contest.configure": _("Contest configured"),
    "entry.child_correct": _("Child's details corrected"),
    "entry.extension": _("Deadline extended for an entry"),
    "entry.reseal": _("Entry re-sealed"),
    "entry.screen": _("Entry screened"),
    "entry.submit": _("Entry submitted"),
    "entry.withdraw": _("Entry withdrawn"),
    "message.send": _("Message sent to entrants"),
    "judges.import": _("Judges imported"),
    "judging.reminder": _("Judges reminded"),
    "panel.add": _("Judge added to a panel"),
    "personal_data.purge": _("Personal data deleted"),
    "ranking.compute": _("Ranking computed"),
    "ranking.final": _("Final ranking computed"),
    "results.publish": _("Results published"),
    "results.unpublish": _("Results withdrawn"),
    "round.advance": _("Advancement recorded"),
    "scorecard.save": _("Scorecard saved"),
    "scorecard.submit": _("Scorecard submitted"),
    "scorecard.unlock": _("Scorecard unlocked"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def target_label(target_type: str, target_id: str) -> str:
    """The model's name and the id: "심사 단계 #12" for ``("contests.round", "12")``."""
    try:
        name = apps.get_model(target_type)._meta.verbose_name
    except (LookupError, ValueError):
        name = target_type
    return f"{name} #{target_id}"
