"""The organizer's pages read in words (CONVENTIONS: a user sees words, never codes): no enum
code and no SHA-256 in the visible text of any organizer page, in Korean and in English —
hashes and ids live behind a closed "세부 정보" control. Also the entries page's filters,
bulk screening and "0" message, and the entry page's contacts for organizers."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from contests.enums import ContestStatus, PrizeKind
from contests.methods import Method
from contests.phases import Phase, Window
from judging.enums import ScorecardStatus
from submissions.enums import EntryStatus, FileSlot
from submissions.models import Entry
from tests.contests.conftest import phase_set

pytestmark = pytest.mark.django_db

# session, user, contest, organizer check; the phase's facts (5), the allocation, the winners'
# entries with members, consents and files, the letters' entries with members, rankings; the
# prize tiers (to list those without a winner, 해당작 없음)
PREVIEW_QUERIES = 22
# session, user, contest, organizer check, the page of entries (+ members, consents, files),
# counts, divisions, the phase
ENTRIES_QUERIES = 11
HASH = re.compile(r"\b[0-9a-f]{64}\b")
SKIP = {"script", "style"}


class VisibleText(HTMLParser):
    """The text a reader sees: no attributes, no scripts; inside a closed <details> only its
    <summary>."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.details = 0  # depth of closed <details>
        self.summary = 0

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "details" and "open" not in dict(attrs):
            self.details += 1
        if tag == "summary":
            self.summary += 1

    def handle_endtag(self, tag):
        if tag == "details" and self.details:
            self.details -= 1
        if tag == "summary" and self.summary:
            self.summary -= 1
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] in SKIP:
            return
        if self.details and not self.summary:
            return
        self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def codes(world) -> set[str]:
    contest = world["contest"]
    found = {
        *EntryStatus.values,
        *ContestStatus.values,
        *Phase.values,
        *Window.values,
        *ScorecardStatus.values,
        *PrizeKind.values,
        *FileSlot.values,
        *(m.value for m in Method),
        *contest.divisions.values_list("code", flat=True),
        *contest.prize_tiers.values_list("code", flat=True),
        *contest.rounds.values_list("code", flat=True),
        *world["round"].criteria.values_list("code", flat=True),
    }
    return found


def organizer_pages(world) -> list[str]:
    slug = world["contest"].slug
    entry = Entry.objects.filter(contest=world["contest"]).exclude(status="draft").first()
    return [
        f"/contests/{slug}/manage/",
        f"/contests/{slug}/manage/rounds/{world['round'].pk}/",
        f"/contests/{slug}/manage/results/",
        f"/contests/{slug}/manage/results/preview/",
        f"/contests/{slug}/manage/entries/",
        f"/entries/{entry.pk}/",
    ]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("phase", ["judging", "approved"])
def test_no_organizer_page_shows_a_code_or_a_hash(world, phase, language):
    phase_set(world, phase)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world["organizer"])
    everything = codes(world)
    # English prose uses some of the same words ("submitted", "open"): there, the codes a
    # sentence never contains (with an underscore or a digit, or a machine's name)
    words = (
        everything
        if language == "ko"
        else {c for c in everything if re.search(r"[_\d]", c)}
        | {m.value for m in Method if m.value != "mean"}
    )
    problems = []
    for url in organizer_pages(world):
        response = client.get(url)
        if url.endswith("preview/") and phase != "approved":
            assert response.status_code == 302  # refused: a message says why
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        text = visible(html)
        problems += [f"{url}: hash {h}" for h in HASH.findall(text)]
        problems += [
            f"{url}: code {w!r}"
            for w in sorted(words)
            if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
        ]
        if phase == "approved" and "results/" in url and not url.endswith("preview/"):
            assert HASH.search(html), "the hashes are still there, behind 세부 정보"
    assert problems == []


def test_the_entries_page_filters_screens_in_bulk_and_says_zero(world):
    phase_set(world, "open")
    slug = world["contest"].slug
    client = Client()
    client.force_login(world["organizer"])
    url = f"/contests/{slug}/manage/entries/"
    page = client.get(url).content.decode()
    assert "접수 완료" in visible(page) and "submitted" not in visible(page)
    assert 'name="screening"' in page and 'name="status"' in page and 'name="division"' in page
    pending = client.get(url + "?screening=pending")
    assert len(pending.context["entries"]) == 4
    ids = [str(e.pk) for e in world["entries"][:2]]
    done = client.post(
        url + "?screening=pending", {"action": "screen", "entry": ids, "eligible": "1"}
    )
    assert done.status_code == 302
    assert Entry.objects.filter(pk__in=ids, status="eligible").count() == 2
    refused = client.post(url, {"action": "screen", "entry": ids[:1], "eligible": "0"})
    assert refused.status_code == 302  # ineligible needs a reason: nothing changed
    assert Entry.objects.filter(pk__in=ids, status="eligible").count() == 2
    none = client.get(url + "?screening=ineligible").content.decode()
    assert "조건에 맞는 작품이 없습니다(0건)" in none


def test_screening_while_open_leaves_the_entrant_free(world):
    """Nothing an organizer does while submissions are open takes edit or withdrawal away."""
    phase_set(world, "open")
    entry = world["entries"][0]
    client = Client()
    client.force_login(world["organizer"])
    client.post(f"/entries/{entry.pk}/screen/", {"eligible": "1"})
    entry.refresh_from_db()
    assert entry.status == "eligible"
    owner = Client()
    owner.force_login(world["students"][0])
    page = owner.get(f"/entries/{entry.pk}/")
    assert page.context["editable"] and page.context["can_withdraw"]


def test_the_entry_page_shows_the_team_to_its_organizers(world):
    phase_set(world, "judging")
    entry = world["entries"][0]
    client = Client()
    client.force_login(world["organizer"])
    html = client.get(f"/entries/{entry.pk}/").content.decode()
    for member in entry.members.all():
        assert member.email in html and member.phone in html and member.name in html
    assert "현재" in html and "심사 중" in html  # the screening state: being judged already
    assert 'name="eligible"' not in html  # the screening form only where it applies


@pytest.mark.parametrize("n", [1, 3])
def test_the_preview_page_queries_do_not_grow(world, django_assert_num_queries, n):
    contest = world["contest"]
    contest.prize_tiers.update(count=n)
    contest.budget = 3_000_000
    contest.save()
    phase_set(world, "approved")
    client = Client()
    client.force_login(world["organizer"])
    url = f"/contests/{contest.slug}/manage/results/preview/"
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"].winners) == n


@pytest.mark.parametrize("n", [1, 3])
def test_the_entries_page_queries_do_not_grow(world, django_assert_num_queries, n):
    phase_set(world, "open")
    Entry.objects.filter(pk__in=[e.pk for e in world["entries"][n:]]).delete()
    client = Client()
    client.force_login(world["organizer"])
    url = f"/contests/{world['contest'].slug}/manage/entries/"
    with django_assert_num_queries(ENTRIES_QUERIES):
        response = client.get(url)
    assert len([e for e in response.context["entries"] if e.status != "draft"]) == n
