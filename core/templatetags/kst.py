"""Times as every page shows them: ``{{ when|kst }}`` → ``2021-08-13 23:59 KST``.

One format for deadlines and times everywhere (the queue, the scoring page, the contest's
page): Korea's time, to the minute. A deadline at 23:59:59 reads "23:59" (the seconds never
differ from one page to the next); ``<time datetime>`` keeps the exact instant for machines.
"""

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()
KST = ZoneInfo("Asia/Seoul")


def kst_text(when, *, zone_label: bool = True) -> str:
    """The one formatting helper: 'YYYY-MM-DD HH:MM KST', or '—' without a time."""
    if not when:
        return "—"
    text = timezone.localtime(when, KST).strftime("%Y-%m-%d %H:%M")
    return f"{text} KST" if zone_label else text


@register.filter
def kst(when, arg: str = "") -> str:
    """``<time datetime="…">2021-08-13 23:59 KST</time>``; ``|kst:"bare"`` leaves out "KST"
    where a heading says it already (a table's column)."""
    if not when:
        return "—"
    text = kst_text(when, zone_label=arg != "bare")
    return format_html('<time datetime="{}">{}</time>', when.isoformat(), text)
