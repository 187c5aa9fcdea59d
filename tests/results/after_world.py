"""A published Track S contest for the tests of what follows publication (feedback,
certificates, appeals), built through the real services.

Six submitted teams (receipts 0001–0006, 0001 strongest), four judges on both rounds, three
judges per entry in round 1 (ranked by the mean). Round 1 advances the top 3; round 2's whole
panel scores them; the three finalists take 대상, 최우수상 and 최우수상. Every judge leaves a
comment; one of 0006's round-1 judges never
submits (so 0006 has two judges there: too few for its means to be shown).
"""

from django.core import mail
from django.test import TestCase

from accounts.enums import Role
from judging.models import Assignment, PanelMember, Scorecard
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from results.services import publication, rankings
from results.services.certificates_issue import certificate_design_save
from results.services.feedback import comment_share_set
from submissions.models import Entry
from tests.factories import demo_world_make, judging_open, user_make

SHARE = {1: 0.9, 2: 0.8, 3: 0.7, 4: 0.6, 5: 0.5, 6: 0.4}  # receipt → share of the maximum
STRAGGLER_ENTRY = "WSCE21-S-0006"


def points(rnd, entry, judge_index: int) -> dict:
    """Each judge a little different (+0.5 on the first criterion for odd judges)."""
    share = SHARE[int(entry.receipt_number[-1])]
    out = {}
    for n, c in enumerate(rnd.criteria.order_by("order")):
        value = round(c.max_points * share * 2) / 2
        if n == 0 and judge_index % 2 and value + 0.5 <= c.max_points:
            value += 0.5
        out[c.code] = value
    return out


def score_round(rnd, judges, *, skip=None) -> None:
    index = {j.pk: i for i, j in enumerate(judges)}
    for a in Assignment.objects.filter(round=rnd).select_related("entry", "judge").order_by("pk"):
        submit = a.pk != skip
        scorecard_save(
            user=a.judge,
            assignment_id=a.pk,
            scores=points(rnd, a.entry, index[a.judge_id]),
            comment=f"{a.entry.title}: 실증 계획이 구체적입니다 (의견 {index[a.judge_id]})",
            submit=submit,
        )


def smart_world(organizer, *, share_comments: bool = True, publish: bool = True) -> dict:
    smart, _drawing = demo_world_make(proposals=7, drawings=0)
    judging_open(smart)
    smart.organizers.add(organizer)
    r1, r2 = smart.rounds.get(code="r1"), smart.rounds.get(code="r2")
    r1.advance_count = 3
    r1.save(update_fields=["advance_count"])
    judges = [user_make(Role.JUDGE, name=f"심사위원{i}", affiliation=f"기관{i}") for i in range(4)]
    for j in judges:
        PanelMember.objects.create(round=r1, judge=j)
        PanelMember.objects.create(round=r2, judge=j)
    entries = {
        e.receipt_number: e
        for e in Entry.objects.filter(contest=smart, status="submitted").select_related("owner")
    }
    judges_assign(user=organizer, round=r1)
    straggler = (
        Assignment.objects.filter(round=r1, entry=entries[STRAGGLER_ENTRY]).order_by("pk").first()
    )
    score_round(r1, judges, skip=straggler.pk)
    rankings.ranking_compute(
        user=organizer, round=r1, method="mean", override_reason="심사위원 한 명이 병가 중"
    )
    rankings.round_advance(user=organizer, round=r1)
    judges_assign(user=organizer, round=r2)
    score_round(r2, judges)
    rankings.ranking_compute(user=organizer, round=r2, method="mean")
    rankings.final_ranking_compute(user=organizer, contest=smart)
    publication.allocation_compute(user=organizer, contest=smart)
    publication.allocation_approve(user=organizer, contest=smart)
    if share_comments:
        for card in Scorecard.objects.filter(round__contest=smart, status="submitted"):
            comment_share_set(
                user=organizer, contest=smart, scorecard_id=card.pk, status="approved"
            )
    certificate_design_save(
        user=organizer,
        contest=smart,
        issuer="2021 월드스마트시티엑스포 조직위원회",
        signatory_name="홍길동",
        signatory_title="조직위원장",
    )
    world = {"contest": smart, "r1": r1, "r2": r2, "judges": judges, "entries": entries}
    if publish:
        publish_now(organizer, smart)
    return world


def publish_now(organizer, contest):
    with TestCase.captureOnCommitCallbacks(execute=True):
        live = publication.results_publish(user=organizer, contest=contest)
    mail.outbox.clear()
    return live
