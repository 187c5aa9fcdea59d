"""Judges see no entrant identity anywhere: a property test over generated names and schools.

For each generated family (child name, school, guardian name and user name), an entry goes
through the real services and the assignment; then every judge-facing response — the API
queue and detail, the queue and scoring pages, and the names of the files they are sent —
is searched for every identity string.
"""

import pytest
from django.test import Client, TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.enums import Role
from judging.models import Assignment, PanelMember
from judging.services.assignment import judges_assign
from submissions.models import Entry
from tests.conftest import client_for
from tests.factories import judging_open, submissions_reopen, user_make
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import drawing_payload, upload, verify_guardian

pytestmark = pytest.mark.django_db

SYLLABLES = st.integers(0xAC00, 0xD7A3).map(chr)  # every Hangul syllable
NAME = st.lists(SYLLABLES, min_size=3, max_size=4).map("".join)
SCHOOL = st.lists(SYLLABLES, min_size=3, max_size=5).map(lambda s: "".join(s) + "초등학교")
LOGIN = st.text("abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=12)


@pytest.fixture
def panel(judged, organizer):
    judges_assign(user=organizer, round=judged["prelim"])  # the demo entries first
    return judged


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(child=NAME, school=SCHOOL, guardian_name=NAME, login=LOGIN)
def test_no_identity_reaches_a_judge(panel, organizer, child, school, guardian_name, login):
    if Entry.objects.filter(child__name=child).exists():
        return  # hypothesis may repeat a name; identity checks need a fresh one
    guardian = user_make(
        Role.GUARDIAN, username=f"g{login}{Entry.objects.count()}", name=guardian_name
    )
    api = client_for(guardian)
    submissions_reopen(panel["drawing"])  # entered while the contest takes entries…
    payload = drawing_payload(name=child)
    payload["child"]["school"] = school
    entry_id = api.post(
        "/api/v1/contests/wsce2021-drawing/entries/", payload, format="json"
    ).json()["id"]
    n = Entry.objects.count()  # a different picture each time: the same file twice is refused
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = upload(
            api,
            entry_id,
            "drawing",
            good_jpeg(1000 + n, 900),
            filename=f"{child}_{school}.jpg",
            content_type="image/jpeg",
        )
    assert done.status_code == 200, done.json()
    verify_guardian(api)
    assert api.post(f"/api/v1/entries/{entry_id}/submit/").status_code == 200
    judging_open(panel["drawing"])  # …and judged after its deadline
    judges_assign(user=organizer, round=panel["prelim"])
    entry = Entry.objects.select_related("child", "owner").get(pk=entry_id)
    secrets = [
        child,
        school,
        guardian.name,
        guardian.username,
        guardian.email,
        entry.receipt_number,
        str(entry.pk),
        entry.pk.hex,
        f"{child}_{school}",
    ]
    holders = Assignment.objects.filter(entry=entry, recused_at__isnull=True)
    assert holders.count() == 3
    for a in holders.select_related("judge"):
        judge_api = client_for(a.judge)
        texts = [
            judge_api.get("/api/v1/judging/assignments/?page_size=200").content.decode(),
            judge_api.get(f"/api/v1/judging/assignments/{a.pk}/").content.decode(),
        ]

        browser = Client()
        browser.force_login(a.judge)
        texts.append(browser.get("/judging/").content.decode())
        texts.append(browser.get(f"/judging/assignments/{a.pk}/").content.decode())
        for text in texts:
            for secret in secrets:
                assert secret not in text, (secret, a.judge.username)
        files = judge_api.get(f"/api/v1/judging/assignments/{a.pk}/").json()["files"]
        assert files, "the judge must see the drawing"
        for f in files:
            served = browser.get(f["url"].removeprefix("http://testserver"))
            disposition = served.get("Content-Disposition", "")
            assert entry.blind_code in disposition
            for secret in secrets:
                assert secret not in disposition
    assert PanelMember.objects.filter(round=panel["prelim"]).count() == 4
