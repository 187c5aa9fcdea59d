"""Letters at publication: every entrant learns the outcome (after commit, by id).

Which letter an entry gets (:func:`letters_plan`, the same plan the organizer's preview counts):

* ``winner`` — the entry is in the approved allocation;
* ``not_awarded`` — it was judged (it has a score in a ranking) and won nothing;
* ``not_judged`` — it was submitted but never judged: found ineligible at screening (the letter
  gives the reason), or never scored; it is not told "not awarded", since nobody ranked it;
* drafts and withdrawn entries get no letter: a draft was never entered, and a withdrawn entry
  was taken back by its entrant (its files are gone; nothing about it was judged).

Every member of a team gets their own copy; links point at ``settings.SITE_URL``.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from contests.models import Contest
from results.models import Allocation, Publication
from results.season import ranked_entry_ids
from submissions.enums import EntryStatus
from submissions.models import Entry

WINNER, NOT_AWARDED, NOT_JUDGED = "winner", "not_awarded", "not_judged"
KINDS = (WINNER, NOT_AWARDED, NOT_JUDGED)
NO_LETTER = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)


@dataclass(frozen=True)
class Letter:
    entry: Entry
    kind: str
    recipients: tuple[str, ...]
    tier: str = ""


def _recipients(entry: Entry) -> tuple[str, ...]:
    """The entrant and every active team member, each address once."""
    found = [entry.owner.email, *(m.email for m in entry.members.all() if m.active)]
    return tuple(dict.fromkeys(a.strip().lower() for a in found if a and a.strip()))


def letters_plan(contest: Contest, allocation: Allocation) -> list[Letter]:
    """The letter of every entry of the contest that was ever submitted."""
    awards = {a["entry_id"]: a for a in allocation.awards}
    ranked = ranked_entry_ids(contest)
    entries = (
        Entry.objects.filter(contest=contest, receipt_number__isnull=False)
        .exclude(status__in=NO_LETTER)
        .select_related("owner")
        .prefetch_related("members")
        .order_by("receipt_number")
    )
    plan = []
    for entry in entries:
        award = awards.get(str(entry.pk))
        if award is not None:
            kind = WINNER
        elif str(entry.pk) in ranked and entry.status != EntryStatus.INELIGIBLE:
            kind = NOT_AWARDED
        else:
            kind = NOT_JUDGED
        tier = award.get("tier_name", "") if award else ""
        plan.append(Letter(entry=entry, kind=kind, recipients=_recipients(entry), tier=tier))
    return plan


def letters_count(plan: list[Letter]) -> dict[str, dict[str, int]]:
    """Per kind: how many entries and how many e-mails (team members get their own)."""
    entries, emails = Counter(), Counter()
    for letter in plan:
        entries[letter.kind] += 1
        emails[letter.kind] += len(letter.recipients)
    return {kind: {"entries": entries[kind], "emails": emails[kind]} for kind in KINDS} | {
        "total": {"entries": sum(entries.values()), "emails": sum(emails.values())}
    }


def _body(letter: Letter, contest: Contest, results_link: str) -> str:
    entry = letter.entry
    what = {"title": entry.title, "receipt": entry.receipt_number, "tier": letter.tier}
    if letter.kind == WINNER:
        text = _('Congratulations! "%(title)s" (%(receipt)s) is among the winners: %(tier)s.')
    elif letter.kind == NOT_AWARDED:
        text = _('Thank you for entering. "%(title)s" (%(receipt)s) was not awarded this time.')
    elif entry.status == EntryStatus.INELIGIBLE:
        text = _(
            'Thank you for entering. "%(title)s" (%(receipt)s) was not judged: at screening it '
            "was found ineligible (%(reason)s)."
        )
        what["reason"] = entry.eligibility_reason or "—"
    else:
        text = _(
            'Thank you for entering. "%(title)s" (%(receipt)s) was not judged, so it was not '
            "ranked and could not be awarded. If you think this is a mistake, tell the "
            "organizers from your entry's page."
        )
    lines = [
        text % what,
        "",
        _("The results of %(contest)s: %(link)s")
        % {"contest": contest.title, "link": results_link},
        _("Your entry: %(link)s")
        % {"link": settings.SITE_URL + reverse("entry-detail", args=[entry.pk])},
    ]
    return "\n".join(lines)


def results_emails(*, publication_id: int) -> int:
    """Send the letters of a publication; returns how many e-mails went out."""
    publication = Publication.objects.select_related("contest", "allocation").get(pk=publication_id)
    contest = publication.contest
    results = settings.SITE_URL + reverse("contest-results", args=[contest.slug])
    messages = []
    with translation.override("ko"):
        subject = _("[%(contest)s] Results are published") % {"contest": contest.title}
        for letter in letters_plan(contest, publication.allocation):
            body = _body(letter, contest, results)
            messages.extend((subject, body, None, [to]) for to in letter.recipients)
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
