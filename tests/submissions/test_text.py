"""One cleaning for every text an entrant types, and what "the same child" means
(``submissions.text``; DOMAIN §3; issue 13, items 5 and 14)."""

import unicodedata
from datetime import date

import pytest

from submissions.models import Entry, TeamMember
from submissions.text import child_identity_key, text_clean
from tests.submissions.conftest import client_for, drawing_payload
from tests.submissions.test_pages import TEAM_FORM

RLO, PDF, ZWSP, ZWJ, BOM, LRI, PDI = (
    "\u202e",
    "\u202c",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2066",
    "\u2069",
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("하늘을 나는 버스", "하늘을 나는 버스"),
        (f"그림{RLO}gpj.exe{PDF}", "그림gpj.exe"),  # no right-to-left override survives
        (f"하늘{ZWSP}버스{ZWJ}", "하늘버스"),
        (f"{BOM}{LRI}제목{PDI}", "제목"),
        ("제목\x00\x07\x1b[31m", "제목[31m"),  # control characters
        ("  두 칸   띄움\t탭 ", "두 칸 띄움 탭"),
        ("줄\n바꿈", "줄 바꿈"),  # a single-line field has no line breaks
        (unicodedata.normalize("NFD", "김민수"), "김민수"),  # stored in NFC
        ("\u3164", ""),  # a Hangul filler alone is nothing
        ("Cafe\u0301", "Café"),
    ],
)
def test_text_clean_single_line(typed, kept):
    assert text_clean(typed) == kept


def test_text_clean_multiline_keeps_line_breaks_only():
    typed = f"첫 줄{RLO}\r\n둘째 줄  \r셋째\u2028넷째{ZWSP}\n\n"
    assert text_clean(typed, multiline=True) == "첫 줄\n둘째 줄\n셋째\n넷째"


def test_text_clean_is_idempotent():
    typed = f"  {RLO}김 {ZWSP}민수\u3000{unicodedata.normalize('NFD', '그림')}\x00 "
    once = text_clean(typed)
    assert text_clean(once) == once


BIRTH = date(2013, 5, 2)
SAME_CHILD = [
    "김민수",
    unicodedata.normalize("NFD", "김민수"),  # decomposed jamo
    "김 민수",
    " 김민수 ",
    "김\u3000민수",  # ideographic space
    f"김{ZWSP}민수",
    f"{RLO}김민수{PDF}",
    "김\u00a0민\t수",
    "김민수\u3164",  # Hangul filler
]


@pytest.mark.parametrize("typed", SAME_CHILD)
def test_every_spelling_of_one_child_has_one_key(typed):
    assert child_identity_key(typed, BIRTH) == child_identity_key("김민수", BIRTH)


def test_compatibility_forms_and_case_fold():
    assert child_identity_key("Ｅｍｍａ　Ｋｉｍ", BIRTH) == child_identity_key("emma kim", BIRTH)
    assert child_identity_key("EMMA KIM", BIRTH) == child_identity_key("Emma Kim", BIRTH)


def test_another_child_has_another_key():
    key = child_identity_key("김민수", BIRTH)
    assert child_identity_key("김민서", BIRTH) != key
    assert child_identity_key("김민수", date(2013, 5, 3)) != key


def test_the_key_fits_its_column_whatever_the_name():
    assert len(child_identity_key("\ufdfa" * 50, BIRTH)) <= 255  # NFKC expands it 18 times


# ---- every way in stores the cleaned text ------------------------------------------------


@pytest.mark.django_db
def test_the_api_stores_entrants_text_cleaned(open_wsce, guardian):
    payload = drawing_payload(
        name=f"김{ZWSP}민수",
        title=f"하늘{RLO}스버{PDF} 그림",
        description=f"첫 줄{ZWJ}\r\n둘째 줄{BOM}",
    )
    payload["child"]["school"] = f"{LRI}한빛초등학교{PDI}"
    body = (
        client_for(guardian)
        .post("/api/v1/contests/wsce2021-drawing/entries/", payload, format="json")
        .json()
    )
    assert body["title"] == "하늘스버 그림"
    assert body["description"] == "첫 줄\n둘째 줄"
    assert (body["child"]["name"], body["child"]["school"]) == ("김민수", "한빛초등학교")


@pytest.mark.django_db
def test_the_team_form_stores_entrants_text_cleaned(open_wsce, student, client):
    client.force_login(student)
    form = {
        **TEAM_FORM,
        "team_name": f"스마트{RLO}무브",
        "title": f"{ZWSP}태양광 버스정류장",
        "m1_name": f"이{ZWJ}서연",
    }
    response = client.post("/contests/wsce2021-smart-city/enter/", form)
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.team_name, entry.title) == ("스마트무브", "태양광 버스정류장")
    assert TeamMember.objects.filter(name="이서연").exists()
