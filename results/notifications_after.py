"""Mail about appeals (DOMAIN §8: every step is mailed). Called after commit through
``core.tasks`` with ids; re-fetches. The entrant hears of each step; the contest's organizers
hear of a new appeal."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from results.models import Appeal


def appeal_mail(*, appeal_id: int, step: str) -> None:
    appeal = Appeal.objects.select_related("contest", "entry", "entry__owner").get(pk=appeal_id)
    contest, entry = appeal.contest, appeal.entry
    link = settings.SITE_URL + reverse("entry-detail", args=[entry.pk])
    values = {"contest": contest.title_ko, "receipt": entry.receipt_number, "title": entry.title}
    with translation.override("ko"):
        subject = _("[%(contest)s] Your appeal for %(receipt)s") % values
        lead = {
            "filed": _('We received your appeal for "%(title)s" (%(receipt)s).'),
            "accept": _(
                'Your appeal for "%(title)s" (%(receipt)s) is accepted: the entry is being '
                "re-examined. We will write again when the results reflect it."
            ),
            "reject": _('Your appeal for "%(title)s" (%(receipt)s) is rejected.'),
            "close": _(
                'The re-examination of "%(title)s" (%(receipt)s) is finished; the results '
                "stay as published."
            ),
            "resolved": _('The results now reflect your appeal for "%(title)s" (%(receipt)s).'),
        }[step] % values
        reason = {
            "filed": appeal.reason,
            "accept": appeal.decision_reason,
            "reject": appeal.decision_reason,
            "close": appeal.resolution,
            "resolved": appeal.resolution,
        }[step]
        body = f"{lead}\n\n{_('Reason')}: {reason}\n\n{link}"
        send_mail(subject, body, None, [entry.owner.email])
        if step == "filed":
            manage = settings.SITE_URL + reverse("organizer-appeal", args=[contest.slug, appeal.pk])
            recipients = [u.email for u in contest.organizers.all() if u.email]
            if recipients:
                send_mail(
                    _("[%(contest)s] New appeal: %(receipt)s") % values,
                    f"{appeal.reason}\n\n{manage}",
                    None,
                    recipients,
                )
