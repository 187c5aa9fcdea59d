"""What each slot of an entry accepts, and how a refusal is said (see the package's docstring for
the decisions)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pillow_heif
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile

from core.errors import ValidationFailed

MB = 1024 * 1024
MAX_IMAGE_BYTES = 20 * MB  # also the PDF limit
MAX_VIDEO_BYTES = 200 * MB
MAX_PIXELS = 40_000_000
MAX_PDF_PAGES = 30
MIN_DRAWING_SHORT_SIDE = 800
MAX_PDF_CONTAINERS = 500_000  # dictionaries and arrays walked while scanning one PDF

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
HEIC = "image/heic"
MP4 = "video/mp4"


pillow_heif.register_heif_opener()


def pillow_guard() -> None:
    """Make Pillow's process-wide switches safe again (cheap; called before every decode)."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS


pillow_guard()


# --- public types ---------------------------------------------------------------------------


class RejectionCode(StrEnum):
    UNSUPPORTED_TYPE = "unsupported_type"
    FILE_TOO_LARGE = "file_too_large"
    IMAGE_TOO_SMALL = "image_too_small"
    IMAGE_TOO_LARGE = "image_too_large"
    CORRUPT_FILE = "corrupt_file"
    INVALID_PDF = "invalid_pdf"


_DEFAULT_MESSAGES = {
    RejectionCode.UNSUPPORTED_TYPE: _("This type of file is not accepted here."),
    RejectionCode.FILE_TOO_LARGE: _("The file is too large."),
    RejectionCode.IMAGE_TOO_SMALL: _("The image is too small."),
    RejectionCode.IMAGE_TOO_LARGE: _("The image has too many pixels."),
    RejectionCode.CORRUPT_FILE: _("The file is damaged or incomplete. Please upload it again."),
    RejectionCode.INVALID_PDF: _("The PDF could not be read."),
}


class FileRejected(ValidationFailed):
    """An upload that must not count. ``code`` is one of :class:`RejectionCode`."""

    def __init__(self, code: str, message: Any = None, *, detail: dict | None = None):
        code = RejectionCode(code)  # a typo in a code is a bug: fail loudly
        super().__init__(
            message if message is not None else _DEFAULT_MESSAGES[code],
            code=code.value,
            detail=detail or {},
        )


@dataclass(frozen=True)
class SlotRule:
    allowed: frozenset[str]
    max_bytes: int
    max_pixels: int = MAX_PIXELS
    min_short_side: int = 0
    max_pages: int = MAX_PDF_PAGES
    max_files: int = 1  # files of this slot an entry may hold (a new one replaces the old)


SLOT_RULES: dict[str, SlotRule] = {
    "proposal": SlotRule(allowed=frozenset({PDF}), max_bytes=MAX_IMAGE_BYTES),
    "supporting": SlotRule(
        allowed=frozenset({PDF, PNG, JPEG}), max_bytes=MAX_IMAGE_BYTES, max_files=3
    ),
    "video": SlotRule(allowed=frozenset({MP4}), max_bytes=MAX_VIDEO_BYTES),
    "drawing": SlotRule(
        allowed=frozenset({JPEG, PNG, HEIC}),
        max_bytes=MAX_IMAGE_BYTES,
        min_short_side=MIN_DRAWING_SHORT_SIDE,
    ),
}

SLOTS_BY_TRACK: dict[str, tuple[str, ...]] = {  # Track S, Track D (contests.enums.Track)
    "S": ("proposal", "supporting", "video"),
    "D": ("drawing",),
}


@dataclass(frozen=True)
class Inspection:
    content_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    pages: int | None
    quarantine_reason: str = ""  # non-empty → stored but never shown to judges
