"""What every page must pass, for every role, at every width (issue 19; KWCAG 2.2 ≈ WCAG 2.1
AA): axe-core finds no serious or critical violation, the visible text carries no raw code
(``incomplete_entry``) and no 64-hex hash, and the page does not scroll sideways.

``page_problems`` checks one page; ``crawl`` walks every page reachable by links from a role's
landing page (same site, GET only) and checks each at the widths given.
"""

import os
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SERIOUS = {"serious", "critical"}
HASH = re.compile(r"\b[0-9a-f]{64}\b")
# a machine word as the API spells codes and slots: lower case with an underscore
# (incomplete_entry, demo_plan); words a person reads never look like that.
RAW_CODE = re.compile(r"(?<![\w./@:-])[a-z]+(?:_[a-z0-9]+)+(?![\w./@-])")
WIDTHS = {"laptop": (1280, 900), "phone": (375, 812)}
ZOOM_200 = {"width": 640, "height": 450}  # a 1280 px window at 200 %

# Links a crawler must not follow: they act (log out, switch language), leave the pages
# (the API, the admin, files and signed URLs), or stream files (a published drawing's stable
# URL redirects to the image itself).
SKIP = re.compile(
    r"^/(logout|i18n|api|admin|static|media|uploads|judging/files|jobs)/|/files/|"
    r"/exports?/|/results/\d+/\d+/\w+/$|\.(pdf|csv|xlsx|zip|png|jpe?g)$"
)


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations, one line each."""
    result = AXE.run(page, options=AXE_OPTIONS)
    lines = []
    for v in result.response["violations"]:
        if v.get("impact") in SERIOUS:
            targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return lines


def text_problems(page) -> list[str]:
    """Raw codes and hashes in what a person reads (closed <details> are not read)."""
    text = page.evaluate("document.body.innerText")
    found = [f"hash {m}" for m in HASH.findall(text)]
    found += [f"raw code {m!r}" for m in sorted(set(RAW_CODE.findall(text)))]
    return found


def overflow(page) -> str | None:
    """The page itself scrolls sideways (a wide table scrolling in its own box is fine)."""
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1] + 1:
        return f"scrolls sideways: {widths[0]} px of content in {widths[1]} px"
    return None


def page_problems(page, *, axe: bool = True) -> list[str]:
    problems = text_problems(page)
    if (wide := overflow(page)) is not None:
        problems.append(wide)
    if axe:
        problems += axe_violations(page)
    return problems


def same_site_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    found = []
    for href in hrefs:
        url, _frag = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(parts.path):
            found.append(path)
    return found


def pattern(path: str) -> str:
    """Pages of one kind (an entry's page, any entry): checked a few times, not hundreds."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>", path)
    return re.sub(r"/\d+/", "/<n>/", path.split("?")[0])


def crawl(page, origin: str, start: str, *, limit: int = 60, per_pattern: int = 2) -> dict:
    """Visit every page reachable from ``start`` (at most ``limit``, ``per_pattern`` of each
    kind) and return ``{path: problems}`` at the page's current viewport. A link that answers
    4xx or 5xx is a dead end, and a problem too."""
    queue, seen, kinds, report = deque([start]), {start}, {}, {}
    while queue and len(report) < limit:
        path = queue.popleft()
        kind = pattern(path)
        if kinds.get(kind, 0) >= per_pattern:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        if os.environ.get("GONGMO_CRAWL_PRINT"):
            print("crawl", page.viewport_size["width"], path, flush=True)
        response = page.goto(path)
        status = response.status if response is not None else 200
        report[path] = [f"answered {status}"] if status >= 400 else page_problems(page)
        for link in same_site_links(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return report
