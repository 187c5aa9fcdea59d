"""What an entrant is told about each kind of file, derived from the inspection's rules
(``submissions.inspection.SLOT_RULES``): the page never repeats a limit of its own."""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from submissions.enums import FileSlot
from submissions.inspection import HEIC, JPEG, MB, MP4, PDF, PNG, SLOT_RULES, SLOTS_BY_TRACK

_NAMES = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", HEIC: "HEIC", MP4: "MP4"}
_EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg,.jpeg", HEIC: ".heic", MP4: ".mp4"}
_ORDER = (PDF, PNG, JPEG, HEIC, MP4)


@dataclass(frozen=True)
class SlotGuide:
    value: str
    label: str
    accept: str  # the file input's accept attribute
    hint: str  # one sentence: types and limits
    max_files: int


def slot_guide(slot: str) -> SlotGuide:
    rule = SLOT_RULES[slot]
    types = [t for t in _ORDER if t in rule.allowed]
    parts = [
        "/".join(_NAMES[t] for t in types),
        _("at most %(mb)d MB") % {"mb": rule.max_bytes // MB},
    ]
    if PDF in rule.allowed:
        parts.append(_("PDF at most %(n)d pages") % {"n": rule.max_pages})
    if rule.min_short_side:
        parts.append(_("at least %(px)d px on the short side") % {"px": rule.min_short_side})
    if rule.max_files > 1:
        parts.append(_("up to %(n)d files") % {"n": rule.max_files})
    return SlotGuide(
        value=slot,
        label=str(FileSlot(slot).label),
        accept=",".join([*types, *(_EXTENSIONS[t] for t in types if t == HEIC)]),
        hint=str(format_lazy("{}: {}.", FileSlot(slot).label, ", ".join(parts))),
        max_files=rule.max_files,
    )


def slot_guides(track: str) -> list[SlotGuide]:
    """The kinds of file an entry of this track takes, in the order the page lists them."""
    return [slot_guide(slot) for slot in SLOTS_BY_TRACK[track]]
