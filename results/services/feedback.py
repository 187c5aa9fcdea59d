"""Feedback to entrants (DOMAIN §8 "After publication"): the organizer's review of the judges'
comments before publishing, and the feedback frozen with each publication.

What an entrant reads is computed once, when the results are published, from the submitted
scorecards, the rounds' latest rankings and the allocation of that publication, and stored
(``EntryFeedback``, ``FeedbackRound``): later score changes — an appeal's re-scoring — do not
alter it; a republication freezes its own. Who may read it, and the minimum numbers of judges
and entries behind every figure, are in ``results.selectors_after``.
"""

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.permissions import organizer_required
from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from judging.enums import ScorecardStatus
from judging.models import Score, Scorecard
from results.enums import CommentShareStatus
from results.models import CommentShare, EntryFeedback, FeedbackRound, Publication
from results.selectors import publication_live
from results.selectors_after import (
    BAND_MIN_RANKED,
    BANDS,
    FEEDBACK_MIN_ENTRIES,
    FEEDBACK_MIN_JUDGES,
)
from results.services.rankings import latest_ranking
from submissions.enums import EntryStatus
from submissions.models import Entry

COMMENT_MAX = 2000
CHUNK = 2000  # rows fetched and written at a time: memory stays flat with 50,000 entries


# ---- the organizer's review of comments -----------------------------------------------------


def _editable(contest: Contest) -> None:
    if publication_live(contest) is not None:
        raise Conflict(
            _(
                "The results are published and the feedback is frozen. Unpublish them to "
                "change which comments entrants read."
            ),
            code="already_published",
        )


def _card(contest: Contest, scorecard_id) -> Scorecard:
    try:
        return (
            Scorecard.objects.select_for_update(of=("self",))
            .select_related("share")
            .exclude(comment="")
            .get(pk=int(scorecard_id), round__contest=contest, status=ScorecardStatus.SUBMITTED)
        )
    except (Scorecard.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def _share_state(share: CommentShare | None) -> dict | None:
    return None if share is None else {"status": share.status, "text": share.text}


@transaction.atomic
def comment_share_set(
    *, user, contest: Contest, scorecard_id, status: str, text: str | None = None
) -> CommentShare:
    """Approve (with the judge's words or the organizer's edit), hide, or return a judge's
    comment to unreviewed. Only before publication: published feedback is frozen."""
    organizer_required(user, contest)
    card = _card(contest, scorecard_id)
    _editable(contest)
    if status not in CommentShareStatus.values:
        raise ValidationFailed(detail={"status": [_("Choose share, hide or not reviewed.")]})
    shared = (card.comment if text is None else text).strip()
    if status == CommentShareStatus.APPROVED and not shared:
        raise ValidationFailed(detail={"text": [_("A shared comment cannot be empty.")]})
    if len(shared) > COMMENT_MAX:
        raise ValidationFailed(
            detail={"text": [_("At most %(n)d characters.") % {"n": COMMENT_MAX}]}
        )
    share = getattr(card, "share", None)
    before = _share_state(share)
    if share is None:
        share = CommentShare(scorecard=card, contest=contest)
    share.status, share.text, share.source = status, shared, card.comment
    share.decided_by = user if getattr(user, "is_authenticated", False) else None
    share.decided_at = timezone.now()
    share.save()
    audit_record(
        actor=user,
        action="comment.share",
        target=card,
        contest=contest,
        before=before,
        after=_share_state(share),
    )
    return share


@transaction.atomic
def comments_share_bulk(*, user, contest: Contest, scorecard_ids: Iterable, status: str) -> int:
    """The same decision, with the judges' own words, for several comments (a page of the
    list); returns how many."""
    organizer_required(user, contest)
    _editable(contest)
    done = 0
    for pk in list(scorecard_ids)[:200]:
        comment_share_set(user=user, contest=contest, scorecard_id=pk, status=status)
        done += 1
    return done


# ---- the freeze at publication --------------------------------------------------------------


def _mean(value) -> float:
    return float(round(Decimal(value), 2))


def _ranks(contest: Contest, rounds) -> tuple[dict, dict]:
    """Per round: entry id → (rank, group), and group → how many were ranked."""
    ranks, sizes = {}, {}
    for rnd in rounds:
        snap = latest_ranking(contest, rnd)
        ranks[rnd.pk], sizes[rnd.pk] = {}, {}
        for row in snap.rows if snap else []:
            group = row.get("division") if rnd.per_division else None
            ranks[rnd.pk][row["entry_id"]] = (int(row["rank"]), group)
            sizes[rnd.pk][group] = sizes[rnd.pk].get(group, 0) + 1
    return ranks, sizes


def _band(entry_id: str, awards: dict, rounds, ranks: dict, sizes: dict) -> dict:
    award = awards.get(entry_id)
    if award is not None:
        return {
            "kind": "award",
            "tier": award.get("tier_name", ""),
            "tier_en": award.get("tier_name_en", ""),
            "joint": bool(award.get("joint")),
        }
    reached = [rnd for rnd in rounds if entry_id in ranks[rnd.pk]]
    if len(reached) > 1:
        return {"kind": "advanced", "round": reached[-1].pk}
    if reached:
        rnd = reached[0]
        rank, group = ranks[rnd.pk][entry_id]
        ranked = sizes[rnd.pk][group]
        if ranked >= BAND_MIN_RANKED:
            for percent in BANDS:
                if rank * 100 <= percent * ranked:
                    return {"kind": "top", "round": rnd.pk, "percent": percent}
    return {"kind": "taken_part"}


def _rounds_freeze(publication: Publication, rounds) -> None:
    """Each scored round's criteria and the round's mean per criterion (over at least
    FEEDBACK_MIN_ENTRIES entries, else none)."""
    contest = publication.contest
    round_means = {
        (row["scorecard__round_id"], row["criterion_id"]): row["mean"]
        for row in Score.objects.filter(
            scorecard__round__contest=contest, scorecard__status=ScorecardStatus.SUBMITTED
        )
        .values("scorecard__round_id", "criterion_id")
        .annotate(mean=Avg("points"))
        .order_by()
    }
    scored = dict(
        Scorecard.objects.filter(round__contest=contest, status=ScorecardStatus.SUBMITTED)
        .values_list("round_id")
        .annotate(n=Count("entry_id", distinct=True))
        .order_by()
    )
    FeedbackRound.objects.bulk_create(
        FeedbackRound(
            publication=publication,
            round=rnd,
            order=rnd.order,
            name_ko=rnd.name_ko,
            name_en=rnd.name_en,
            entries=scored.get(rnd.pk, 0),
            criteria=[
                {
                    "code": c.code,
                    "name_ko": c.name_ko,
                    "name_en": c.name_en,
                    "max_points": c.max_points,
                    "mean": (
                        _mean(round_means[(rnd.pk, c.pk)])
                        if scored.get(rnd.pk, 0) >= FEEDBACK_MIN_ENTRIES
                        and (rnd.pk, c.pk) in round_means
                        else None
                    ),
                }
                for c in sorted(rnd.criteria.all(), key=lambda c: (c.order, c.code))
            ],
        )
        for rnd in rounds
        if scored.get(rnd.pk)
    )


class _Stream:
    """Rows ``(entry_id, …)`` in entry order, handed out one entry at a time: the judged
    entries are walked in the same order, so each stream is read once, in step (a merge
    join), and no query carries a list of thousands of ids."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self._rows = rows
        self._head = next(rows, None)

    def take(self, entry_id) -> list[tuple]:
        while self._head is not None and self._head[0] < entry_id:
            self._head = next(self._rows, None)
        taken = []
        while self._head is not None and self._head[0] == entry_id:
            taken.append(self._head)
            self._head = next(self._rows, None)
        return taken


def feedback_freeze(*, publication: Publication) -> int:
    """Store every judged entry's feedback with ``publication`` (inside the publishing
    transaction); returns how many entries. Three streamed queries for the whole contest
    (entries, means, comments, all in entry order), written in batches of 2,000 (PostgreSQL:
    COPY). 30,000 drawings: ``bench/bench_after_results.py``."""
    contest = publication.contest
    rounds = list(contest.rounds.order_by("order").prefetch_related("criteria"))
    _rounds_freeze(publication, rounds)
    ranks, sizes = _ranks(contest, rounds)
    awards = {str(a["entry_id"]): a for a in publication.allocation.awards}
    judged = (
        Entry.objects.filter(
            contest=contest, status__in=(EntryStatus.AWARDED, EntryStatus.NOT_AWARDED)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    means = _Stream(
        Score.objects.filter(
            scorecard__round__contest=contest, scorecard__status=ScorecardStatus.SUBMITTED
        )
        .values_list("scorecard__entry_id", "scorecard__round_id", "criterion__code")
        .annotate(mean=Avg("points"), n=Count("id"))
        .order_by("scorecard__entry_id")
        .iterator(chunk_size=CHUNK)
    )
    comments = _Stream(
        CommentShare.objects.filter(
            contest=contest,
            status=CommentShareStatus.APPROVED,
            scorecard__status=ScorecardStatus.SUBMITTED,
            source=F("scorecard__comment"),  # the judge has not changed it since
        )
        .order_by("scorecard__entry_id", "scorecard__round__order", "text")  # never by judge
        .values_list("scorecard__entry_id", "scorecard__round_id", "text")
        .iterator(chunk_size=CHUNK)
    )
    batch, count = [], 0
    for pk in judged.iterator(chunk_size=CHUNK):
        key = str(pk)
        per_round: dict[str, dict] = {}
        for _entry, round_id, code, mean, n in means.take(pk):
            one = per_round.setdefault(str(round_id), {"judges": 0, "means": {}})
            one["judges"] = max(one["judges"], n)
            one["means"][code] = _mean(mean)
        for one in per_round.values():
            if one["judges"] < FEEDBACK_MIN_JUDGES:
                one["means"] = None
        shared = [{"round": r, "text": text} for _entry, r, text in comments.take(pk)]
        batch.append((pk, per_round, _band(key, awards, rounds, ranks, sizes), shared))
        if len(batch) == CHUNK:
            count += _store(publication, batch)
            batch = []
    return count + _store(publication, batch)


def _store(publication: Publication, batch: list[tuple]) -> int:
    """Write a batch of feedback rows: COPY on PostgreSQL (the rows are JSON documents, which
    an INSERT's parameters make psycopg parse again and again), bulk_create elsewhere."""
    if not batch:
        return 0
    if connection.vendor == "postgresql":
        table = EntryFeedback._meta.db_table
        columns = "publication_id, entry_id, rounds, band, comments"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for pk, per_round, band, shared in batch:
                copy.write_row(
                    (
                        publication.pk,
                        pk,
                        json.dumps(per_round),
                        json.dumps(band),
                        json.dumps(shared),
                    )
                )
        return len(batch)
    EntryFeedback.objects.bulk_create(
        [
            EntryFeedback(
                publication=publication, entry_id=pk, rounds=per_round, band=band, comments=c
            )
            for pk, per_round, band, c in batch
        ],
        batch_size=500,
    )
    return len(batch)
