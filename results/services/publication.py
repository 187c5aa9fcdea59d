"""Prize allocation, approval, publication and the public results (DOMAIN §7, §8)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.enums import ContestStatus, Track
from contests.models import Contest
from contests.permissions import organizer_required
from contests.phases import Action
from contests.services import tiers_validate
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.tasks import run_after_commit
from results import prizes as engine
from results.models import Allocation, Publication
from results.season import ranked_entry_ids, season_require
from results.selectors import publication_live
from results.services import after_publication, certainty
from results.services.rankings import latest_ranking
from submissions.enums import ConsentKind, EntryStatus
from submissions.masking import mask_name
from submissions.models import Entry
from submissions.services.files import file_public_copies

# Entries that went through judging: at publication each becomes awarded or not awarded.
# Entries that never did (ineligible, or never ranked) keep their status and get their own
# letter (``results.notifications``); drafts and withdrawn entries are no entries at all.
JUDGED = (
    EntryStatus.IN_JUDGING,
    EntryStatus.ADVANCED,
    EntryStatus.ELIMINATED,
    EntryStatus.AWARDED,
    EntryStatus.NOT_AWARDED,
)
UNALLOCATED_REASONS = ("too_few_ranked", "below_minimum")


def _tiers(contest: Contest) -> dict[str | None, list[engine.Tier]]:
    by_division: dict[str | None, list[engine.Tier]] = {}
    for t in contest.prize_tiers.select_related("division").order_by("division__order", "order"):
        key = t.division.code if t.division else None
        by_division.setdefault(key, []).append(
            engine.Tier(
                code=t.code,
                name=t.name_ko,  # stored data is language-neutral: Korean, English beside it
                count=t.count,
                amount=t.amount,
                min_score=t.min_score,
                kind=t.kind,
            )
        )
    return by_division


@transaction.atomic
def allocation_compute(*, user, contest: Contest) -> Allocation:
    """Walk the latest final ranking and fill the tiers (per division where tiers are)."""
    organizer_required(user, contest)
    season_require(contest, Action.ALLOCATE)
    ranking = latest_ranking(contest, None)
    if ranking is None:
        raise ValidationFailed(_("Compute the final ranking first."), code="no_ranking")
    tiers = _tiers(contest)
    if not tiers:
        raise ValidationFailed(_("The contest has no prize tiers."), code="no_tiers")
    tiers_validate(contest=contest, totals=[t.total for ts in tiers.values() for t in ts])
    ranked = {}
    for row in ranking.rows:
        key = row.get("division") if None not in tiers else None
        ranked.setdefault(key, []).append(
            engine.RankedEntry(
                entry=row["entry_id"], rank=int(row["rank"]), score=Decimal(str(row["score"]))
            )
        )
    try:
        if None in tiers:
            result = engine.prizes_allocate(ranking=ranked.get(None, []), tiers=tiers[None])
        else:
            result = engine.prizes_allocate_by_division(
                {d: ranked.get(d, []) for d in tiers}, tiers
            )
    except engine.PrizeError as exc:  # the engine speaks English; people read their language
        message = (
            _("The final ranking is not consistent: compute it again.")
            if exc.code == "invalid_ranking"
            else _("The prize tiers cannot be allocated: check their codes, counts and amounts.")
        )
        raise ValidationFailed(
            message, code=exc.code, detail={**exc.detail, "reason": exc.message}
        ) from exc
    codes = {r["entry_id"]: r["entry_code"] for r in ranking.rows}
    english = {
        (t.division.code if t.division else None, t.code): t.name_en
        for t in contest.prize_tiers.select_related("division")
    }
    awards = [
        {
            "tier": a.tier_code,
            "tier_name": a.tier_name,
            "tier_name_en": english.get((a.division, a.tier_code)) or a.tier_name,
            "entry_id": a.entry,
            "entry_code": codes.get(a.entry, a.entry),
            "amount": a.amount,
            "joint": a.joint,
            "rank": a.rank,
            "division": a.division,
            "kind": a.kind,
            "prize_amount": a.prize_amount,
            "grant_amount": a.grant_amount,
        }
        for a in result.awards
    ]
    allocation = Allocation.objects.create(
        contest=contest,
        ranking=ranking,
        awards=awards,
        unawarded=_unawarded(result),
        tiers_total=result.tiers_total,
        awarded_total=result.awarded_total,
        unallocated=result.unallocated,
        remainder=result.remainder,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    when = Contest.objects.filter(pk=contest.pk).values_list(
        "publication_scheduled_for", flat=True
    )[0]
    if when is not None:  # what was previewed has changed: the schedule goes
        Contest.objects.filter(pk=contest.pk).update(
            publication_scheduled_for=None, publication_scheduled_by=None
        )
        audit_record(
            actor=user,
            action="results.schedule_cancel",
            target=contest,
            contest=contest,
            before={"scheduled_for": when.isoformat()},
            reason="allocation recomputed",
        )
    audit_record(
        actor=user,
        action="allocation.compute",
        target=allocation,
        contest=contest,
        after={
            "ranking": ranking.pk,
            "awarded_total": result.awarded_total,
            "unallocated": result.unallocated,
            "remainder": result.remainder,
        },
    )
    return allocation


def _unawarded(result: engine.Allocation) -> list[list]:
    """Each unawarded slot as ``[tier, index, amount, reason, division]``: ``too_few_ranked``
    (the ranking ran out before the slot) or ``below_minimum`` (no remaining entry reached the
    tier's minimum score) — what the results page says about the unallocated money."""
    parts = result.by_division.items() or [(None, result)]
    rows = []
    for division, part in parts:
        past = set(part.past_ranking)
        for slot in part.unawarded_slots:
            reason = UNALLOCATED_REASONS[0] if slot in past else UNALLOCATED_REASONS[1]
            rows.append([*slot, reason, division])
    return rows


@transaction.atomic
def allocation_approve(*, user, contest: Contest) -> Allocation:
    organizer_required(user, contest)
    season_require(contest, Action.APPROVE)
    allocation = Allocation.objects.select_for_update().filter(contest=contest).first()
    if allocation is None:
        raise ValidationFailed(_("Allocate the prizes first."), code="no_allocation")
    if allocation.ranking_id != getattr(latest_ranking(contest, None), "pk", None):
        raise Conflict(
            _("The final ranking changed after this allocation; allocate again."),
            code="allocation_stale",
        )
    certainty.boundaries_require(allocation)  # contested prize boundaries: acknowledged first
    allocation.approved_at = timezone.now()
    allocation.approved_by = user if getattr(user, "is_authenticated", False) else None
    allocation.save(update_fields=["approved_at", "approved_by"])
    audit_record(actor=user, action="allocation.approve", target=allocation, contest=contest)
    return allocation


def _winners(contest: Contest, allocation: Allocation, *, public_copies: bool = True) -> list[dict]:
    """The public rows, frozen at publication: only what may be shown (DOMAIN §8)."""
    entries = (
        Entry.objects.filter(pk__in=[a["entry_id"] for a in allocation.awards])
        .select_related("child", "division")
        .prefetch_related("members", "consents", "files")
    )
    by_id = {str(e.pk): e for e in entries}
    winners = []
    for a in allocation.awards:
        e = by_id[a["entry_id"]]
        row = {
            "tier": a["tier_name"],
            "tier_en": a.get("tier_name_en") or a["tier_name"],
            "tier_code": a["tier"],
            "division": e.division.name_ko,
            "division_en": e.division.name_en or e.division.name_ko,
            "title": e.title,
            "amount": a["amount"],
            "joint": a["joint"],
            "rank": a["rank"],
        }
        if contest.track == Track.SMART_CITY:
            leader = next((m for m in e.members.all() if m.is_leader), None)
            row.update(name=e.team_name, university=leader.university if leader else "")
        else:
            consents = {c.kind for c in e.consents.all()}
            named = ConsentKind.PUBLISH_NAME in consents
            row.update(
                name=mask_name(e.child.name) if named else None,  # shown as "(name withheld)"
                school=e.child.school if named else "",
            )
            if ConsentKind.PUBLISH_WORK in consents:
                shown = next((f for f in e.files.all() if f.preview_key), None)
                if shown and public_copies:  # the gallery's own objects, never the judges'
                    preview, thumbnail = file_public_copies(record=shown)
                    row.update(preview_key=preview, thumbnail_key=thumbnail)
                elif shown:  # the organizer's preview: the re-encoded copies, nothing made
                    row.update(preview_key=shown.preview_key, thumbnail_key=shown.thumbnail_key)
        winners.append(row)
    return winners


@transaction.atomic
def results_publish(*, user, contest: Contest, scheduled: bool = False) -> Publication:
    """Freeze the approved allocation's public rows and publish them: now (the organizer has
    seen the preview and confirmed) or at the scheduled time (``scheduled``: run by
    ``results.tasks.publication_scheduled`` as the organizer who scheduled it). Refused before
    the results review (``contests.phases``) and without an approved allocation."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)  # serialises double clicks
    organizer_required(user, contest)
    if publication_live(contest) is not None:
        raise Conflict(_("The results are already published."), code="already_published")
    season_require(contest, Action.PUBLISH)
    allocation = Allocation.objects.filter(contest=contest).first()
    if allocation is None or allocation.approved_at is None:
        raise ValidationFailed(
            _("Approve the prize allocation before publishing."), code="allocation_not_approved"
        )
    publication = Publication.objects.create(
        contest=contest,
        allocation=allocation,
        winners=_winners(contest, allocation),
        published_at=timezone.now(),
        published_by=user if getattr(user, "is_authenticated", False) else None,
        **after_publication.publication_version_next(contest),
    )
    awarded = [a["entry_id"] for a in allocation.awards]
    in_judging = Entry.objects.filter(contest=contest, status__in=JUDGED)
    ranked = ranked_entry_ids(contest)
    unranked = [pk for pk in in_judging.values_list("pk", flat=True) if str(pk) not in ranked]
    judged = in_judging.exclude(pk__in=unranked)  # an entry nobody scored stays as it was
    judged.filter(pk__in=awarded).update(status=EntryStatus.AWARDED)
    judged.exclude(pk__in=awarded).update(status=EntryStatus.NOT_AWARDED)
    scheduled_for = contest.publication_scheduled_for
    contest.status = ContestStatus.PUBLISHED
    contest.publication_scheduled_for, contest.publication_scheduled_by = None, None
    contest.save(update_fields=["status", "publication_scheduled_for", "publication_scheduled_by"])
    after_publication.publication_after(user=user, publication=publication)
    audit_record(
        actor=user,
        action="results.publish",
        target=publication,
        contest=contest,
        after={
            "allocation": allocation.pk,
            "winners": len(publication.winners),
            "scheduled_for": scheduled_for.isoformat() if scheduled and scheduled_for else None,
        },
    )
    run_after_commit("results.notifications.results_emails", publication_id=publication.pk)
    return publication


@transaction.atomic
def results_unpublish(*, user, contest: Contest, reason: str) -> None:
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    organizer_required(user, contest)
    if publication_live(contest) is not None:
        season_require(contest, Action.UNPUBLISH)  # an archived contest stays as it is
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("Record why the results are withdrawn.")]})
    live = publication_live(contest)
    if live is None:
        raise ValidationFailed(_("Nothing is published."), code="not_published")
    live.unpublished_at, live.unpublish_reason = timezone.now(), reason.strip()
    live.save(update_fields=["unpublished_at", "unpublish_reason"])
    after_publication.unpublication_after(user=user, publication=live)
    contest.status = ContestStatus.JUDGING
    contest.save(update_fields=["status"])
    audit_record(
        actor=user, action="results.unpublish", target=live, contest=contest, reason=reason.strip()
    )
