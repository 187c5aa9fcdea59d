"""Demo entries for `seed_wsce2021 --demo`: real generated files through the real services."""

import io
import random
from datetime import date

from django.db import transaction
from PIL import Image, ImageDraw

from accounts.enums import Role
from accounts.models import User
from contests.models import Contest
from core.storage.objectstore import object_save
from submissions.models import Entry, GuardianVerification
from submissions.services.entries import (
    ChildInput,
    EntryInput,
    MemberInput,
    entry_create,
    entry_submit,
)
from submissions.services.files import upload_confirm, upload_request
from submissions.services.members import member_confirm, member_invitation_token

UNIVERSITIES = ["서울대학교", "KAIST", "연세대학교", "부산대학교", "세종대학교", "한양대학교"]
THEMES = ["mobility", "healthcare", "education", "energy", "culture", "governance"]
PROJECTS = [
    "자율주행 셔틀 실증",
    "스마트 보건소 키오스크",
    "AR 과학 교실",
    "태양광 버스정류장",
    "디지털 트윈 문화거리",
    "주민 참여 데이터 플랫폼",
    "스마트 횡단보도",
    "수요응답형 버스",
]
FAMILY = ["김", "이", "박", "최", "정", "남궁", "황보", "조", "윤", "장"]
GIVEN = ["민수", "서윤", "하준", "지우", "도윤", "서연", "예준", "하은", "시우", "수아"]
BIRTHS = [date(2016, 4, 1), date(2013, 7, 15), date(2010, 2, 20)]  # one per age division


def drawing_jpeg(rng: random.Random, width: int = 1600, height: int = 1200) -> bytes:
    """A child-like drawing: sky, ground, sun, houses and a flying bus."""
    im = Image.new("RGB", (width, height), (150 + rng.randrange(80), 200, 255))
    d = ImageDraw.Draw(im)
    d.rectangle([0, height * 2 // 3, width, height], fill=(90, 170 + rng.randrange(60), 80))
    d.ellipse([width - 300, 60, width - 120, 240], fill=(255, 210, 40))
    for _ in range(rng.randrange(3, 7)):
        x, w = rng.randrange(0, width - 200), rng.randrange(120, 260)
        h = rng.randrange(200, 500)
        top = height * 2 // 3 - h
        d.rectangle([x, top, x + w, height * 2 // 3], fill=tuple(rng.randrange(256) for _ in "rgb"))
        for wy in range(top + 20, height * 2 // 3 - 40, 60):
            d.rectangle([x + 20, wy, x + 50, wy + 30], fill=(255, 255, 200))
    bx, by = rng.randrange(100, width - 500), rng.randrange(150, 400)
    d.rounded_rectangle([bx, by, bx + 380, by + 140], 30, fill=(240, 80, 60))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


def proposal_pdf(rng: random.Random, title: str, pages: int = 3) -> bytes:
    """A multi-page PDF proposal (text in ASCII: the built-in font has no Hangul)."""
    images = []
    for page in range(pages):
        im = Image.new("RGB", (1240, 1754), "white")
        d = ImageDraw.Draw(im)
        d.text((100, 100), f"Smart city demonstration proposal - page {page + 1}", fill="black")
        d.text((100, 140), f"Project #{rng.randrange(1000, 9999)}", fill="black")
        for line in range(40):
            d.line(
                [100, 220 + line * 36, 100 + rng.randrange(600, 1040), 220 + line * 36],
                fill=(120, 120, 120),
                width=3,
            )
        images.append(im)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def _upload(user, entry: Entry, slot: str, data: bytes, filename: str, content_type: str) -> None:
    record, _ticket = upload_request(
        user=user,
        entry=entry,
        slot=slot,
        filename=filename,
        content_type=content_type,
        size=len(data),
    )
    object_save(key=record.key, data=data, content_type=content_type)  # as the browser would
    upload_confirm(user=user, entry=entry, upload_id=record.pk)


def _user(username: str, role: str, name: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "name": name, "email": f"{username}@demo.gongmo.invalid"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_entries_seed(
    *, smart: Contest, drawing: Contest, proposals: int, drawings: int, password: str
) -> tuple[int, int]:
    """Create demo entries once (idempotent: skipped when the demo already has entries)."""
    if (
        Entry.objects.filter(
            contest__in=[smart, drawing], owner__username__startswith="demo-"
        ).exists()
        or Entry.objects.filter(owner__username="student").exists()
    ):
        return 0, 0
    rng = random.Random(2021)  # noqa: S311 (demo content, not security)
    for i in range(proposals):
        user = (
            User.objects.get(username="student")
            if i == 0
            else _user(f"demo-student{i}", Role.STUDENT, f"학생{i}", password)
        )
        members = [
            MemberInput(
                name=f"{rng.choice(FAMILY)}{rng.choice(GIVEN)}",
                university=rng.choice(UNIVERSITIES),
                department="도시공학과",
                email=f"team{i}-m{j}@demo.gongmo.invalid",
                phone=f"010-20{i:02d}-00{j:02d}",
                is_leader=(j == 0),
            )
            for j in range(2 + i % 3)
        ]
        title = PROJECTS[i % len(PROJECTS)]
        entry = entry_create(
            user=user,
            contest=smart,
            data=EntryInput(
                team_name=f"팀 {title[:4]}{i}",
                theme=THEMES[i % len(THEMES)],
                title=title,
                description=f"{title}: 세종 5-1 생활권에서 6개월 동안 시민 200명과 실증합니다.",
                members=members,
                consents={"privacy": True, "originality": True},
            ),
        )
        _upload(
            user, entry, "proposal", proposal_pdf(rng, title), "proposal.pdf", "application/pdf"
        )
        for member in entry.members.filter(confirmed_at__isnull=True):  # as from their emails
            member_confirm(token=member_invitation_token(member), consent=True)
        if i != proposals - 1:  # the last one stays a draft, to show the journey
            entry_submit(user=user, entry=entry)
    demo_drawings_seed(contest=drawing, drawings=drawings, password=password, rng=rng)
    return proposals, drawings


def demo_drawings_seed(
    *, contest: Contest, drawings: int, password: str, rng: random.Random, titles: str = ""
) -> int:
    """Drawings entered and submitted through the services: the ``guardian`` login's child
    first, then a family per ``demo-guardianN`` (the same children in every contest)."""
    for i in range(drawings):
        user = (
            User.objects.get(username="guardian")
            if i == 0
            else _user(f"demo-guardian{i}", Role.GUARDIAN, f"보호자{i}", password)
        )
        GuardianVerification.objects.get_or_create(
            user=user,
            channel="email",
            destination=user.email,
            defaults={
                "code_hash": "!",
                "expires_at": "2030-01-01T00:00:00Z",
                "verified_at": "2021-06-01T00:00:00Z",
            },
        )
        child = ChildInput(
            name=f"{rng.choice(FAMILY)}{rng.choice(GIVEN)}",
            birth_date=BIRTHS[i % len(BIRTHS)],
            school="세종한빛초등학교",
            grade=str(1 + i % 6),
            relationship="어머니",
        )
        entry = entry_create(
            user=user,
            contest=contest,
            data=EntryInput(
                title=f"{titles or '내가 꿈꾸는 스마트시티'} {i + 1}",
                description="하늘을 나는 버스가 있는 도시",
                child=child,
                consents={"guardian": True, "publish_name": True, "publish_work": True},
            ),
        )
        _upload(user, entry, "drawing", drawing_jpeg(rng), "drawing.jpg", "image/jpeg")
        entry_submit(user=user, entry=entry)
    return drawings
