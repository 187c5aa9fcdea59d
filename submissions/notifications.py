"""Mail to entrants. Called after commit through core.tasks; takes ids, re-fetches."""

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from submissions.models import Entry


def receipt_email(*, entry_id: str) -> None:
    entry = Entry.objects.select_related("contest", "owner").get(pk=entry_id)
    with translation.override("ko"):
        subject = _("[%(contest)s] Entry received: %(receipt)s") % {
            "contest": entry.contest.title,
            "receipt": entry.receipt_number,
        }
        body = _(
            'Your entry "%(title)s" was received.\n\nReceipt number: %(receipt)s\n'
            "Submitted at: %(when)s (KST)\nSeal (SHA-256 of your files): %(seal)s\n\n"
            'You can edit or withdraw it until the deadline on the "My entries" page.'
        ) % {
            "title": entry.title,
            "receipt": entry.receipt_number,
            "when": timezone.localtime(entry.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            "seal": entry.seal_sha256,
        }
    send_mail(subject, body, None, [entry.owner.email])
