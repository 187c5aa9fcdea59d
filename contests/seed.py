"""The WSCE 2021 configuration of DOMAIN.md, as data, and an idempotent writer for it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from contests.enums import ContestStatus, Method, PrizeKind, RoundKind, Track
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from contests.services import rubric_validate, tiers_validate

KST = ZoneInfo("Asia/Seoul")


def kst(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=KST)


SMART_CITY = "wsce2021-smart-city"
DRAWING = "wsce2021-drawing"
S_CLOSE = kst(2021, 7, 31, 23, 59, 59)  # the submission deadlines of 2021
D_CLOSE = kst(2021, 8, 15, 23, 59, 59)

THEMES = [  # Track S divisions: themes of the expo's Sejong pavilion
    ("mobility", "모빌리티", "Mobility"),
    ("healthcare", "헬스케어", "Healthcare"),
    ("education", "교육", "Education"),
    ("energy", "에너지", "Energy"),
    ("culture", "문화예술", "Culture & Arts"),
    ("governance", "디지털 거버넌스", "Digital Governance"),
]
AGE_DIVISIONS = [  # Track D: from the child's birth year (Korean school year 2021)
    ("preschool", "유아부", "Pre-school", 2015, 2017),
    ("lower", "초등 저학년", "Primary grades 1-3", 2012, 2014),
    ("upper", "초등 고학년", "Primary grades 4-6", 2009, 2011),
]

S_R1_RUBRIC = [
    ("creativity", "창의성", "Creativity", 25),
    ("feasibility", "실현가능성", "Feasibility", 25),
    ("demo_plan", "실증계획", "Demonstration plan", 20),
    ("impact", "파급효과", "Impact", 20),
    ("completeness", "완성도", "Completeness", 10),
]
S_R2_RUBRIC = [
    ("creativity", "창의성", "Creativity", 20),
    ("feasibility", "실현가능성", "Feasibility", 25),
    ("demo_plan", "실증계획", "Demonstration plan", 20),
    ("impact", "파급효과", "Impact", 20),
    ("presentation", "발표", "Presentation", 15),
]
D_RUBRIC = [
    ("theme", "주제표현", "Theme expression", 40),
    ("creativity", "창의성", "Creativity", 30),
    ("technique", "표현기법", "Technique", 30),
]

# What judges look for, shown beside each score field and on the contest's page:
# track → criterion code → (Korean, English).
CRITERION_DESCRIPTIONS = {
    "S": {
        "creativity": (
            "기존 스마트시티 서비스와 다른 새로운 아이디어인가, 문제를 보는 관점이 독창적인가",
            "Is the idea new compared with existing smart-city services; is the view of the "
            "problem original?",
        ),
        "feasibility": (
            "기술·예산·일정·법규 면에서 실제로 구현할 수 있는가, 필요한 데이터와 협력기관이 "
            "구체적인가",
            "Can it really be built (technology, budget, schedule, regulation); are the data and "
            "partners it needs named?",
        ),
        "demo_plan": (
            "실증 장소·기간·대상·성과지표가 명확하고, 단계별 계획이 현실적인가",
            "Are the pilot's site, period, users and indicators clear, and are its steps "
            "realistic?",
        ),
        "impact": (
            "시민 삶의 질, 도시문제 해결, 다른 도시로의 확산 가능성이 큰가",
            "How much would it improve citizens' lives and solve a city problem; could other "
            "cities adopt it?",
        ),
        "completeness": (
            "제안서의 구성과 논리가 명확하고 근거 자료가 충분한가",
            "Is the proposal well organised and argued, with enough evidence?",
        ),
        "presentation": (
            "발표가 명확하고 질의에 근거를 들어 답하는가",
            "Is the presentation clear; are questions answered with evidence?",
        ),
    },
    "D": {
        "theme": (
            "'내가 꿈꾸는 스마트시티'라는 주제를 그림에 잘 담았는가",
            "Does the drawing show 'the smart city of my dreams'?",
        ),
        "creativity": (
            "아이다운 상상력과 새로운 발상이 드러나는가",
            "Does it show a child's own imagination and fresh ideas?",
        ),
        "technique": (
            "나이에 맞게 색·구도·재료를 잘 활용했는가 (연령 부문 안에서 비교)",
            "Are colour, composition and materials used well for the child's age (compared "
            "within the age division)?",
        ),
    },
}

S_TIERS = [  # code, ko, en, count, amount — sums to exactly 290,000,000 KRW
    (
        "grand",
        "대상 (국토교통부 장관상)",
        "Grand prize (Minister of Land, Infrastructure and Transport)",
        1,
        50_000_000,
    ),
    ("excellence", "최우수상", "Excellence award", 2, 30_000_000),
    ("merit", "우수상", "Merit award", 3, 20_000_000),
    ("encouragement", "장려상", "Encouragement award", 6, 10_000_000),
    ("honourable", "입선", "Honourable mention", 12, 5_000_000),
]
D_TIERS = [  # per age division
    ("grand", "대상", "Grand prize", 1, 500_000),
    ("excellence", "최우수상", "Excellence award", 2, 300_000),
    ("merit", "우수상", "Merit award", 3, 200_000),
    ("encouragement", "장려상", "Encouragement award", 5, 100_000),
    ("honourable", "입선", "Honourable mention (certificate)", 20, 0),
]


@dataclass(frozen=True)
class RoundSpec:
    code: str
    name_ko: str
    name_en: str
    order: int
    k: int | None
    method: str
    tie_break: tuple[str, ...]
    per_division: bool
    advance_count: int | None
    advance_percent: Decimal | None
    weight: Decimal
    opens: datetime
    closes: datetime
    rubric: list[tuple[str, str, str, int]]
    kind: str = RoundKind.RUBRIC  # the seeded default: re-seeding resets a round to it


S_ROUNDS = [
    RoundSpec(
        "r1",
        "1차 서류심사",
        "Round 1: document screening",
        1,
        3,
        Method.CALIBRATED,  # each judge a different subset: docs/ranking-calibration.md
        ("feasibility", "creativity"),
        False,
        30,
        None,
        Decimal("30"),
        kst(2021, 8, 2),
        kst(2021, 8, 13, 23, 59, 59),
        S_R1_RUBRIC,
    ),
    RoundSpec(
        "r2",
        "2차 발표심사",
        "Round 2: final presentation",
        2,
        None,
        Method.MEAN,
        ("feasibility", "creativity"),
        False,
        None,
        None,
        Decimal("70"),
        kst(2021, 9, 8, 10),
        kst(2021, 9, 8, 18),
        S_R2_RUBRIC,
    ),
]
D_ROUNDS = [
    RoundSpec(
        "prelim",
        "예선",
        "Preliminary",
        1,
        3,
        Method.CALIBRATED,  # each judge a different subset: docs/ranking-calibration.md
        ("creativity", "theme"),
        True,
        None,
        Decimal("10"),
        Decimal("0"),
        kst(2021, 8, 16),
        kst(2021, 8, 27, 23, 59, 59),
        D_RUBRIC,
    ),
    RoundSpec(
        "final",
        "본선",
        "Final",
        2,
        5,
        Method.TRIMMED_MEAN,
        ("creativity", "theme"),
        True,
        None,
        None,
        Decimal("100"),
        kst(2021, 8, 30),
        kst(2021, 9, 3, 23, 59, 59),
        D_RUBRIC,
    ),
]

RULES_S_KO = """참가 자격: 국내외 대학(원)생 및 만 34세 이하 청년으로 구성된 2~5인 팀.
한 사람은 한 팀에만 참여할 수 있습니다.
제출물: 실증 제안서 PDF(필수, 20MB 이하, 30쪽 이하), 보조자료 최대 3개, 영상(선택).
블라인드 심사: 제안서에 팀명·학교명을 적지 마세요.
심사: 1차 서류심사(심사위원 3인, 상위 30팀 진출) → 2차 발표심사. 최종 점수 = 1차 30% + 2차 70%.
상금은 관련 법령에 따라 제세공과금(기타소득세 4.4%)을 원천징수한 뒤 지급합니다."""
RULES_S_EN = """Who may enter: teams of 2-5 university students or young people (34 or under).
A person may be on only one team.
Files: proposal PDF (required, at most 20 MB and 30 pages), up to 3 supporting files, optional video.
Blind review: do not name your team or university in the proposal.
Judging: round 1 document screening (3 judges, top 30 advance), then round 2 presentations.
Final score = 30% round 1 + 70% round 2. Prize money is paid net of 4.4% withholding tax."""
RULES_D_KO = """참가 자격: 2009~2017년생 어린이(보호자가 대신 접수). 어린이 한 명당 한 작품.
주제: 내가 꿈꾸는 스마트시티. 그림 파일은 JPEG·PNG·HEIC, 20MB 이하, 짧은 변 800픽셀 이상.
만 14세 미만 어린이의 개인정보는 법정대리인(보호자) 동의를 받아 수집합니다.
심사: 예선(심사위원 3인, 부문별 상위 10% 진출) → 본선(심사위원 5인).
수상작은 어린이 이름을 가려(예: 김*수) 발표합니다."""
RULES_D_EN = """Who may enter: children born 2009-2017, entered by a parent or guardian. One drawing per child.
Theme: the smart city of my dreams. JPEG, PNG or HEIC, at most 20 MB, at least 800 px on the short side.
For children under 14, personal data is collected with the guardian's consent.
Judging: preliminary (3 judges, top 10% of each division advance), then the final (5 judges).
Winners are announced with the child's name masked (e.g. 김*수)."""


def _contest(slug: str, **fields) -> Contest:
    contest, _ = Contest.objects.update_or_create(slug=slug, defaults=fields)
    return contest


def _rounds(contest: Contest, specs: list[RoundSpec], shift: timedelta) -> None:
    for spec in specs:
        rnd, _ = Round.objects.update_or_create(
            contest=contest,
            code=spec.code,
            defaults=dict(
                name_ko=spec.name_ko,
                name_en=spec.name_en,
                order=spec.order,
                kind=spec.kind,
                judges_per_entry=spec.k,
                method=spec.method,
                tie_break=list(spec.tie_break),
                per_division=spec.per_division,
                advance_count=spec.advance_count,
                advance_percent=spec.advance_percent,
                weight=spec.weight,
                judging_opens_at=spec.opens + shift,
                judging_closes_at=spec.closes + shift,
            ),
        )
        described = CRITERION_DESCRIPTIONS.get(contest.track, {})
        for order, (code, ko, en, points) in enumerate(spec.rubric):
            about_ko, about_en = described.get(code, ("", ""))
            Criterion.objects.update_or_create(
                round=rnd,
                code=code,
                defaults=dict(
                    name_ko=ko,
                    name_en=en,
                    max_points=points,
                    order=order,
                    description_ko=about_ko,
                    description_en=about_en,
                ),
            )
        rubric_validate(round=rnd)


def _tiers(contest: Contest, tiers: list, division: Division | None) -> None:
    for order, (code, ko, en, count, amount) in enumerate(tiers):
        PrizeTier.objects.update_or_create(
            contest=contest,
            division=division,
            code=code,
            defaults=dict(
                name_ko=ko,
                name_en=en,
                order=order,
                count=count,
                amount=amount,
                min_score=None,
                kind=PrizeKind.PRIZE,
            ),
        )


def demo_shift(closes_at: datetime, now: datetime, *, days_left: int = 14) -> timedelta:
    """How far to move a 2021 schedule so that submissions close ``days_left`` days from now
    (at 23:59:59 KST), keeping every other date at the same distance from the deadline."""
    target = datetime.combine(
        now.astimezone(KST).date() + timedelta(days=days_left), closes_at.astimezone(KST).timetz()
    )
    return target - closes_at


def drawing_contest_seed(
    *, slug: str, title_ko: str, title_en: str, receipt_prefix: str, shift: timedelta
) -> Contest:
    """Track D as DOMAIN.md describes it (age divisions, rounds, tiers per division), under
    ``slug``, its 2021 schedule moved by ``shift``. The demo seeds a second one."""
    drawing = _contest(
        slug,
        title_ko=title_ko,
        title_en=title_en,
        track=Track.DRAWING,
        status=ContestStatus.OPEN,
        opens_at=kst(2021, 6, 1, 9) + shift,
        closes_at=D_CLOSE + shift,
        results_at=kst(2021, 9, 9, 10) + shift,
        budget=3 * sum(count * amount for *_, count, amount in D_TIERS),
        receipt_prefix=receipt_prefix,
        receipt_digits=5,
        share_scores=False,  # optional for Track D: the organizer turns it on (DOMAIN §8)
        rules_ko=RULES_D_KO,
        rules_en=RULES_D_EN,
    )
    for order, (code, ko, en, born_from, born_until) in enumerate(AGE_DIVISIONS):
        division, _ = Division.objects.update_or_create(
            contest=drawing,
            code=code,
            defaults=dict(
                name_ko=ko,
                name_en=en,
                order=order,
                birth_year_min=born_from,
                birth_year_max=born_until,
            ),
        )
        _tiers(drawing, D_TIERS, division)
    _rounds(drawing, D_ROUNDS, shift)
    tiers_validate(contest=drawing)
    return drawing


@transaction.atomic
def wsce2021_seed(*, demo_now: datetime | None = None) -> tuple[Contest, Contest]:
    """Create or update both WSCE 2021 contests exactly as DOMAIN.md describes.

    With ``demo_now`` the schedules move so that submissions are open at that moment
    (birth-year divisions stay those of 2021).
    """
    s_shift = demo_shift(S_CLOSE, demo_now) if demo_now else timedelta(0)
    d_shift = demo_shift(D_CLOSE, demo_now) if demo_now else timedelta(0)

    smart = _contest(
        SMART_CITY,
        title_ko="2021 월드스마트시티엑스포 스마트시티 실증 공모전",
        title_en="WSCE 2021 Smart City Demonstration Competition",
        track=Track.SMART_CITY,
        status=ContestStatus.OPEN,
        opens_at=kst(2021, 6, 1, 9) + s_shift,
        closes_at=S_CLOSE + s_shift,
        results_at=kst(2021, 9, 10, 15) + s_shift,
        budget=290_000_000,
        receipt_prefix="WSCE21-S",
        receipt_digits=4,
        share_scores=True,  # feedback after publication: on for Track S (DOMAIN §8)
        rules_ko=RULES_S_KO,
        rules_en=RULES_S_EN,
    )
    for order, (code, ko, en) in enumerate(THEMES):
        Division.objects.update_or_create(
            contest=smart,
            code=code,
            defaults=dict(
                name_ko=ko, name_en=en, order=order, birth_year_min=None, birth_year_max=None
            ),
        )
    _rounds(smart, S_ROUNDS, s_shift)
    _tiers(smart, S_TIERS, None)
    tiers_validate(contest=smart)

    drawing = drawing_contest_seed(
        slug=DRAWING,
        title_ko="2021 월드스마트시티엑스포 어린이 그림그리기 공모전",
        title_en="WSCE 2021 Children's Drawing Contest",
        receipt_prefix="WSCE21-D",
        shift=d_shift,
    )
    return smart, drawing
