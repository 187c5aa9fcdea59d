"""``{{ entry|entrant_status }}`` and ``{{ entry|entrant_status_label }}``: the status an entrant
reads — advancement and awards only from publication on (``submissions.permissions``)."""

from django import template

from submissions.enums import EntryStatus
from submissions.permissions import entrant_status as status_for_entrant

register = template.Library()


@register.filter
def entrant_status(entry) -> str:
    return status_for_entrant(entry)


@register.filter
def entrant_status_label(entry) -> str:
    return str(EntryStatus(status_for_entrant(entry)).label)
