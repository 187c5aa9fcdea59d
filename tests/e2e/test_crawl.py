"""Every page each role reaches, at a laptop's and a phone's width: no serious or critical axe
violation, no raw code or hash in the visible text, no sideways scrolling; and at 200 % zoom
(a 640 px viewport at twice the pixel density) no sideways scrolling either (issue 19).

One world for all roles: the drawing contest published (results, gallery), the smart-city
contest taking entries, and the demo contest whose preliminary round is being judged (the
judge's queue, the organizer's round pages).
"""

import pytest
from django.utils import timezone

from accounts.models import User
from demo.judging import demo_judging_contest, demo_judging_seed
from tests.e2e.a11y import WIDTHS, ZOOM_200, crawl, overflow
from tests.e2e.conftest import DEMO_PASSWORD, drawing_published, login

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {  # role: (login, landing page)
    "public": (None, "/"),
    "guardian": ("guardian", "/me/"),
    "student": ("student", "/me/"),
    "judge": ("judge", "/me/"),
    "organizer": ("organizer", "/me/"),
}


def crawl_world() -> None:
    drawing_published()
    showcase = demo_judging_contest(now=timezone.now())
    demo_judging_seed(
        contest=showcase, judges=4, drawings=6, password=DEMO_PASSWORD, now=timezone.now()
    )
    showcase.organizers.add(User.objects.get(username="organizer"))


def test_every_page_of_every_role(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    crawl_world()
    failures = {}
    for role, (username, landing) in ROLES.items():
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": width, "height": height},
                locale="ko-KR",
                timezone_id="Asia/Seoul",
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            if username:
                login(page, username, DEMO_PASSWORD)
            report = crawl(page, live_server.url, landing)
            assert len(report) >= 2, f"{role}: the crawl found nothing beyond {landing}"
            for path, problems in report.items():
                if problems:
                    failures[f"{role} {width_name} {path}"] = problems
            if width_name == "laptop":
                zoomed = browser.new_context(
                    base_url=live_server.url,
                    viewport=ZOOM_200,
                    device_scale_factor=2,
                    locale="ko-KR",
                    storage_state=context.storage_state(),
                )
                z = zoomed.new_page()
                for path in report:
                    if not report[path] or not report[path][0].startswith("answered"):
                        z.goto(path)
                        if (wide := overflow(z)) is not None:
                            failures[f"{role} 200% {path}"] = [wide]
                zoomed.close()
            context.close()
    lines = [f"{where}: {p}" for where, problems in failures.items() for p in problems]
    assert not failures, "\n".join(lines)
