"""End-to-end journeys in headless Chromium (Debian's package) against a live server.

Every test here is marked `e2e` (`make e2e` runs only them). Without a `chromium` binary they
are skipped with the reason printed at the end of the run; with `E2E_REQUIRED=1` (CI) a missing
Chromium is an error instead, so CI always runs them.
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import sync_playwright

from accounts.enums import Role
from accounts.models import User
from contests.seed import wsce2021_seed
from core.actors import SYSTEM
from core.errors import DomainError
from demo.entries import demo_entries_seed
from demo.judging import demo_judging_contest, demo_judging_seed
from demo.users import demo_users_seed
from judging.models import Assignment, PanelMember
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from results.services import publication, rankings
from tests.factories import judging_open, user_make

# Playwright's sync API keeps an event loop in the test thread; the tests still use the ORM
# (seeding, reading the database), which Django refuses in such a thread unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")
REQUIRED = os.environ.get("E2E_REQUIRED", "") not in ("", "0")
SKIP_REASON = (
    "e2e: Chromium is not installed (apt-get install chromium chromium-driver fonts-nanum); "
    "the browser journeys were skipped. Set E2E_REQUIRED=1 to make this an error."
)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_skipped = []


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: a journey in a real browser (make e2e)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None and not REQUIRED:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
                _skipped.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(f"{SKIP_REASON} ({len(_skipped)} tests)", yellow=True)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("E2E_REQUIRED=1 but `chromium` is not on PATH: install Debian's chromium.")

    driver = sync_playwright().start()
    chromium = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    yield chromium
    chromium.close()
    driver.stop()


@pytest.fixture
def viewport():
    return {"width": 1280, "height": 900}


@pytest.fixture
def page(browser, live_server, viewport, settings):
    """A fresh browser context (no cookies) per test, Korean first, pointed at the live server."""
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="ko-KR", timezone_id="Asia/Seoul"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page, name: str) -> Path:
    """Write a full-page screenshot to test-artifacts/screenshots/NAME.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def release_held(page, held: list, timeout_ms: int = 10_000) -> None:
    """Let held requests go, once they have been held: the page may send the request a moment
    after the test has seen the state it waited for (the progress bar at 100 %), and a request
    continued before it was held would stay held for ever."""
    waited = 0
    while not held and waited < timeout_ms:
        page.wait_for_timeout(50)  # lets Playwright dispatch the route handler
        waited += 50
    assert held, "the request to hold was never sent"
    for route in held:
        route.continue_()


def no_page_scroll(page) -> bool:
    """True when the page itself does not scroll sideways (wide tables scroll in their box)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


DEMO_PASSWORD = "wsce2021-demo"


def demo_seed(*, proposals: int = 4, drawings: int = 6, judges: int = 4, judging: bool = True):
    """What `seed_wsce2021 --demo` makes, smaller: both contests taking entries, a login per
    role, entries with generated files; with ``judging`` also the demo contest whose first
    round is being judged (``demo.judging``: its deadline passed, judges assigned)."""

    now = timezone.now()
    smart, drawing = wsce2021_seed(demo_now=now)
    showcase = demo_judging_contest(now=now) if judging else None
    demo_users_seed(
        password=DEMO_PASSWORD, contests=[smart, drawing, *([showcase] if showcase else [])]
    )
    demo_entries_seed(
        smart=smart, drawing=drawing, proposals=proposals, drawings=drawings, password=DEMO_PASSWORD
    )
    if showcase is not None:
        demo_judging_seed(
            contest=showcase, judges=judges, drawings=drawings, password=DEMO_PASSWORD, now=now
        )
    mail.outbox.clear()
    return smart, drawing


def panel_assigned(contest, n: int = 5) -> list:
    """The contest's deadline passed and every round's window open (``factories.
    judging_open``), ``n`` judges on its first round's panel, assigned."""

    judging_open(contest)
    first = contest.rounds.get(order=1)
    judges = [user_make(Role.JUDGE, affiliation=f"미술대학{i}") for i in range(n)]
    for judge in judges:
        PanelMember.objects.create(round=first, judge=judge)
    judges_assign(user=SYSTEM, round=first)
    return judges


def drawing_points(entry) -> dict:
    """Track D scores that rank by receipt number: a higher number scores lower."""
    n = int(entry.receipt_number[-1])
    return {"theme": 40 - n, "creativity": 30 - n, "technique": 30 - n}


def round_score_all(rnd, *, except_judge: int | None = None) -> None:
    """Every judge (but ``except_judge``) submits every open scorecard of the round (as if
    they had all finished)."""

    for a in Assignment.objects.filter(round=rnd, recused_at__isnull=True).select_related(
        "entry", "judge"
    ):
        if a.judge_id == except_judge:
            continue
        with contextlib.suppress(DomainError):  # the demo judge's already submitted cards
            scorecard_save(
                user=a.judge, assignment_id=a.pk, scores=drawing_points(a.entry), submit=True
            )


def final_round_ready(drawing, organizer) -> None:
    """The advanced drawings assigned to the whole demo panel on the final round, all scored."""

    prelim, final = drawing.rounds.get(code="prelim"), drawing.rounds.get(code="final")
    for member in PanelMember.objects.filter(round=prelim):
        PanelMember.objects.get_or_create(round=final, judge=member.judge)
    judges_assign(user=organizer, round=final)
    round_score_all(final)


def drawing_published() -> None:
    """Track D ranked, allocated, approved and published, through the services. In Korean: the
    published rows keep the tier names of the language active at publication."""

    with translation.override("ko"):
        _drawing_publish()


def _drawing_publish() -> None:

    _smart, drawing = demo_seed(proposals=2, judging=False)
    panel_assigned(drawing)
    organizer = User.objects.get(username="organizer")
    prelim = drawing.rounds.get(code="prelim")
    round_score_all(prelim)
    rankings.ranking_compute(user=organizer, round=prelim, method="mean")
    rankings.round_advance(user=organizer, round=prelim)
    final_round_ready(drawing, organizer)
    rankings.ranking_compute(user=organizer, round=drawing.rounds.get(code="final"), method="mean")
    rankings.final_ranking_compute(user=organizer, contest=drawing)
    publication.allocation_compute(user=organizer, contest=drawing)
    publication.allocation_approve(user=organizer, contest=drawing)
    publication.results_publish(user=organizer, contest=drawing)
