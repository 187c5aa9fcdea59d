"""The exact JSON of an entry list row (GET /api/v1/entries/), pinned.

The list renders its rows on a lighter path than the entry page; these tests hold both to one
shape: literal rows for a Track S and a Track D entry (key order, types and timestamp formats
included), and every row of a varied list equal to what GET entries/{id}/ answers for it.
"""

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from accounts.enums import Role
from contests.enums import ContestStatus, Track
from submissions.models import Child, Consent, Entry, EntryFile, TeamMember
from tests.conftest import client_for
from tests.factories import contest_make, user_make

pytestmark = pytest.mark.django_db

S_ID = uuid.UUID("00000000-0000-4000-8000-00000000005a")
D_ID = uuid.UUID("00000000-0000-4000-8000-00000000000d")
FAR_PAST, FAR_FUTURE = datetime(2000, 1, 1, tzinfo=UTC), datetime(2999, 1, 1, tzinfo=UTC)


def at(day: int, hour: int = 0, micro: int = 0) -> datetime:
    return datetime(2021, 6, day, hour, 0, 0, micro, tzinfo=UTC)


def file_add(entry, *, file_id: int, slot: str, status: str = "accepted", day: int, **fields):
    """A file row with fixed id and timestamps (created_at is auto_now_add: set afterwards)."""
    f = EntryFile.objects.create(
        id=uuid.UUID(int=file_id),
        entry=entry,
        contest=entry.contest,
        slot=slot,
        status=status,
        key=f"k/{file_id}",
        display_name=fields.pop("display_name", f"{slot}.bin"),
        declared_type=fields.get("content_type", "application/octet-stream"),
        declared_size=fields.get("size") or 1,
        expires_at=at(1),
        **fields,
    )
    EntryFile.objects.filter(pk=f.pk).update(created_at=at(day))


def entry_make(*, entry_id, contest, owner, created: datetime, **fields) -> Entry:
    entry = Entry.objects.create(
        id=entry_id, contest=contest, owner=owner, division=contest.divisions.get(), **fields
    )
    Entry.objects.filter(pk=entry.pk).update(created_at=created, updated_at=created)
    return entry


@pytest.fixture
def world(organizer, student, guardian):
    """One Track S entry (members, two stored files and a pending one) and one Track D entry
    (child, consents, a drawing), in two contests the organizer runs."""
    smart = contest_make(
        Track.SMART_CITY, slug="shape-smart", opens_at=FAR_PAST, closes_at=FAR_FUTURE
    )
    drawing = contest_make(
        Track.DRAWING,
        slug="shape-drawing",
        status=ContestStatus.CLOSED,
        opens_at=FAR_PAST,
        closes_at=at(1),
    )
    for contest in (smart, drawing):
        contest.organizers.add(organizer)

    s = entry_make(
        entry_id=S_ID,
        contest=smart,
        owner=student,
        created=at(1),
        status="submitted",
        receipt_number="T-S-0001",
        submitted_at=at(1, 1, 456789),
        seal_sha256="a" * 64,
        title="자율주행 셔틀",
        description='세종 BRT <실증> & "따옴표"',
        team_name="스마트무브",
        video_url="https://example.com/v.mp4",
    )
    for order, name, leader in [(1, "이서연", False), (0, "박지민", True)]:
        TeamMember.objects.create(
            id=10 + order,  # fixed: the rows show the member's id (to re-send an invitation)
            confirmed_at=at(1) if leader else None,  # the leader confirmed by creating it
            invited_at=None if leader else at(1, 2, 123),  # the member was invited
            entry=s,
            contest=smart,
            name=name,
            university="KAIST",
            department="전산학부",
            email=f"{order}@kaist.example",
            phone="010-1111-2222",
            is_leader=leader,
            order=order,
        )
    # Created in kind order, so the pinned key order does not depend on the query plan.
    Consent.objects.create(
        entry=s, kind="originality", text_version="2021-05", given_by=student, given_at=at(1)
    )
    Consent.objects.create(
        entry=s,
        kind="privacy",
        text_version="2021-05",
        given_by=student,
        given_at=at(1, 0, 5),
        verification_method="email",
        verified_at=at(1),
    )
    file_add(
        s,
        file_id=3,
        slot="supporting",
        day=3,
        status="quarantined",
        size=10,
        content_type="application/zip",
        sha256="3" * 64,
        display_name="자료.zip",
        quarantine_reason="unsupported_type",
    )
    file_add(
        s,
        file_id=1,
        slot="proposal",
        day=2,
        size=371163,
        content_type="application/pdf",
        sha256="1" * 64,
        display_name="제안서.pdf",
        pages=12,
        confirmed_at=at(2, 3),
    )
    file_add(s, file_id=2, slot="proposal", day=4, status="pending")

    child = Child.objects.create(
        guardian=guardian,
        name="김민수",
        birth_date=date(2013, 5, 2),
        school="한빛초등학교",
        grade="3",
        relationship="어머니",
    )
    d = entry_make(
        entry_id=D_ID,
        contest=drawing,
        owner=guardian,
        created=at(5),
        status="submitted",
        receipt_number="T-D-0001",
        submitted_at=at(5, 2),
        title="하늘을 나는 버스",
        description="미래 도시의 하늘 버스",
        child=child,
        extension_until=FAR_FUTURE,
    )
    for kind, verified in [("guardian", at(5)), ("publish_name", None), ("publish_work", None)]:
        Consent.objects.create(
            entry=d,
            kind=kind,
            text_version="2021-03",
            given_by=guardian,
            given_at=at(5),
            verified_at=verified,
        )
    file_add(
        d,
        file_id=4,
        slot="drawing",
        day=6,
        size=2048,
        content_type="image/jpeg",
        sha256="4" * 64,
        display_name="그림.jpg",
        width=1200,
        height=900,
        confirmed_at=at(6, 0, 250000),
    )
    return smart, drawing


S_ROW = {
    "id": str(S_ID),
    "contest": "shape-smart",
    "track": "S",
    "status": "submitted",
    "division": "main",
    "division_name": "일반",
    "receipt_number": "T-S-0001",
    "submitted_at": "2021-06-01T10:00:00.456789+09:00",
    "seal_sha256": "a" * 64,
    "title": "자율주행 셔틀",
    "abstract": '세종 BRT <실증> & "따옴표"',
    "description": '세종 BRT <실증> & "따옴표"',
    "team_name": "스마트무브",
    "video_url": "https://example.com/v.mp4",
    "members": [
        {
            "id": 10,
            "name": "박지민",
            "university": "KAIST",
            "department": "전산학부",
            "email": "0@kaist.example",
            "phone": "010-1111-2222",
            "is_leader": True,
            "is_student": True,
            "invited_at": None,
            "confirmed_at": "2021-06-01T09:00:00+09:00",
        },
        {
            "id": 11,
            "name": "이서연",
            "university": "KAIST",
            "department": "전산학부",
            "email": "1@kaist.example",
            "phone": "010-1111-2222",
            "is_leader": False,
            "is_student": True,
            "invited_at": "2021-06-01T11:00:00.000123+09:00",
            "confirmed_at": None,
        },
    ],
    "child": None,
    "consents": {
        "originality": {
            "text_version": "2021-05",
            "given_at": "2021-06-01T00:00:00+00:00",
            "verified": False,
        },
        "privacy": {
            "text_version": "2021-05",
            "given_at": "2021-06-01T00:00:00.000005+00:00",
            "verified": True,
        },
    },
    "files": [
        {
            "id": str(uuid.UUID(int=1)),
            "slot": "proposal",
            "filename": "제안서.pdf",
            "size": 371163,
            "sha256": "1" * 64,
            "content_type": "application/pdf",
            "status": "accepted",
            "quarantine_reason": "",
            "width": None,
            "height": None,
            "pages": 12,
            "confirmed_at": "2021-06-02T12:00:00+09:00",
        },
        {
            "id": str(uuid.UUID(int=3)),
            "slot": "supporting",
            "filename": "자료.zip",
            "size": 10,
            "sha256": "3" * 64,
            "content_type": "application/zip",
            "status": "quarantined",
            "quarantine_reason": "unsupported_type",
            "width": None,
            "height": None,
            "pages": None,
            "confirmed_at": None,
        },
    ],
    "eligibility_reason": "",
    "extension_until": None,
    "editable": True,
    "created_at": "2021-06-01T09:00:00+09:00",
    "updated_at": "2021-06-01T09:00:00+09:00",
}

D_ROW = {
    "id": str(D_ID),
    "contest": "shape-drawing",
    "track": "D",
    "status": "submitted",
    "division": "main",
    "division_name": "일반",
    "receipt_number": "T-D-0001",
    "submitted_at": "2021-06-05T11:00:00+09:00",
    "seal_sha256": "",
    "title": "하늘을 나는 버스",
    "abstract": None,
    "description": "미래 도시의 하늘 버스",
    "team_name": "",
    "video_url": "",
    "members": [],
    "child": {
        "name": "김민수",
        "birth_date": "2013-05-02",
        "school": "한빛초등학교",
        "grade": "3",
        "relationship": "어머니",
    },
    "consents": {
        "guardian": {
            "text_version": "2021-03",
            "given_at": "2021-06-05T00:00:00+00:00",
            "verified": True,
        },
        "publish_name": {
            "text_version": "2021-03",
            "given_at": "2021-06-05T00:00:00+00:00",
            "verified": False,
        },
        "publish_work": {
            "text_version": "2021-03",
            "given_at": "2021-06-05T00:00:00+00:00",
            "verified": False,
        },
    },
    "files": [
        {
            "id": str(uuid.UUID(int=4)),
            "slot": "drawing",
            "filename": "그림.jpg",
            "size": 2048,
            "sha256": "4" * 64,
            "content_type": "image/jpeg",
            "status": "accepted",
            "quarantine_reason": "",
            "width": 1200,
            "height": 900,
            "pages": None,
            "confirmed_at": "2021-06-06T09:00:00.250000+09:00",
        },
    ],
    "eligibility_reason": "",
    "extension_until": "2999-01-01T09:00:00+09:00",
    "editable": True,
    "created_at": "2021-06-05T09:00:00+09:00",
    "updated_at": "2021-06-05T09:00:00+09:00",
}


def rows(user, query: str = "", **headers) -> list[dict]:
    response = client_for(user).get(f"/api/v1/entries/{query}", **headers)
    assert response.status_code == 200
    return response.json()["results"]


def as_json(value) -> str:
    """JSON text, so comparing counts key order and types (True is not 1, 1.0 is not 1)."""
    return json.dumps(value, ensure_ascii=False, indent=1)


def test_organizer_rows_are_pinned(world, organizer):
    assert as_json(rows(organizer)) == as_json([D_ROW, S_ROW])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?contest=shape-smart", [S_ROW]),
        ("?contest=shape-drawing", [D_ROW]),
        ("?division=main&status=submitted", [D_ROW, S_ROW]),
        ("?status=draft", []),
    ],
)
def test_filtered_rows_are_pinned(world, organizer, query, expected):
    assert as_json(rows(organizer, query)) == as_json(expected)


def test_entrants_see_their_own_row_only(world, student, guardian, other_student, judge):
    assert as_json(rows(student)) == as_json([S_ROW])
    assert as_json(rows(guardian)) == as_json([D_ROW])
    assert rows(other_student) == []
    assert rows(judge) == []


def test_division_name_follows_the_language(world, organizer):
    english = rows(organizer, HTTP_ACCEPT_LANGUAGE="en")
    assert [r["division_name"] for r in english] == ["General", "General"]
    in_english = [{**D_ROW, "division_name": "General"}, {**S_ROW, "division_name": "General"}]
    assert as_json(english) == as_json(in_english)


def test_every_row_equals_the_entry_page(world, organizer):
    """Varied rows (draft, withdrawn, lapsed extension, no files) against GET entries/{id}/."""
    smart, drawing = world
    owner = user_make(Role.STUDENT)
    variants = [
        dict(contest=smart, status="draft", title="초안"),
        dict(
            contest=smart,
            status="withdrawn",
            title="철회",
            receipt_number="T-S-0002",
            submitted_at=at(7),
        ),
        dict(
            contest=smart,
            status="ineligible",
            title="부적격",
            receipt_number="T-S-0003",
            submitted_at=at(7),
            eligibility_reason="팀원 재학 증명 없음",
        ),
        dict(
            contest=drawing,
            status="submitted",
            title="연장 만료",
            receipt_number="T-D-0002",
            submitted_at=at(7),
            extension_until=at(8),
        ),
        dict(contest=drawing, status="draft", title="마감 후 초안"),
    ]
    for i, fields in enumerate(variants):
        entry_make(entry_id=uuid.UUID(int=100 + i), owner=owner, created=at(10 + i), **fields)
    client = client_for(organizer)
    for language in ("ko", "en"):
        listed = rows(organizer, "?page_size=200", HTTP_ACCEPT_LANGUAGE=language)
        assert len(listed) == 7
        for row in listed:
            page = client.get(f"/api/v1/entries/{row['id']}/", HTTP_ACCEPT_LANGUAGE=language)
            assert as_json(row) == as_json(page.json())


@pytest.mark.parametrize("extra", [0, 3])
def test_queries_do_not_grow_with_drawings(
    world, organizer, guardian, extra, django_assert_num_queries
):
    """Children, consents and files of Track D rows cost no query per row."""
    _, drawing = world
    for i in range(extra):
        child = Child.objects.create(
            guardian=guardian, name=f"아이 {i}", birth_date=date(2014, 1, 1 + i)
        )
        entry = entry_make(
            entry_id=uuid.UUID(int=200 + i),
            contest=drawing,
            owner=guardian,
            created=at(20 + i),
            child=child,
            title="그림",
        )
        Consent.objects.create(
            entry=entry, kind="guardian", text_version="2021-03", given_by=guardian, given_at=at(20)
        )
        file_add(entry, file_id=200 + i, slot="drawing", day=20, size=1, sha256=f"{200 + i:064x}")
    client = client_for(organizer)
    # token, count, page, then one each for members, consents and stored files
    with django_assert_num_queries(6):
        response = client.get("/api/v1/entries/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2 + extra
