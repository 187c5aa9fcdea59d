"""Mail at publication: every entrant learns the outcome (after commit, by id)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from results.models import Publication
from submissions.enums import EntryStatus
from submissions.models import Entry


def results_emails(*, publication_id: int) -> None:
    publication = Publication.objects.select_related("contest").get(pk=publication_id)
    contest = publication.contest
    link = settings.SITE_URL + reverse("contest-results", args=[contest.slug])
    messages = []
    with translation.override("ko"):
        for entry in Entry.objects.filter(
            contest=contest, status__in=(EntryStatus.AWARDED, EntryStatus.NOT_AWARDED)
        ).select_related("owner"):
            won = entry.status == EntryStatus.AWARDED
            subject = _("[%(contest)s] Results are published") % {"contest": contest.title}
            body = (
                _('Congratulations! "%(title)s" (%(receipt)s) is among the winners.')
                if won
                else _(
                    'Thank you for entering. "%(title)s" (%(receipt)s) was not awarded this time.'
                )
            ) % {"title": entry.title, "receipt": entry.receipt_number}
            messages.append((subject, f"{body}\n\n{link}", None, [entry.owner.email]))
    send_mass_mail(messages, fail_silently=False)
