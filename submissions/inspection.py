"""Inspection of uploaded files (DOMAIN §3, §4, §10 "Files"). Pure: no models, no storage.

``file_inspect`` reads one stored object once, from its current position, and either returns
an :class:`Inspection` (type, size, SHA-256, dimensions or page count, and a quarantine reason)
or raises :class:`FileRejected` with a stable ``code``:

``unsupported_type``  the bytes are not a type the slot accepts (the name and the client's
                      Content-Type are never consulted), or the image is animated;
``file_too_large``    more bytes than the slot allows;
``image_too_small``   shorter side under the slot's minimum (drawings: 800 px);
``image_too_large``   more than 40 megapixels (decided from the header, before decoding);
``corrupt_file``      empty, truncated or undecodable, or not the declared number of bytes;
``invalid_pdf``       a PDF that fails pypdf's strict parse, is encrypted, has no pages or
                      more than 30.

Decisions where the specification leaves room:

* An empty file is ``corrupt_file`` with ``detail["reason"] == "empty"`` (the code set is
  closed; the reason tells the two apart).
* The byte count read must equal ``size`` (the stored object's size from HEAD); at most
  ``size + 1`` bytes are read, so a larger object cannot make us read without bound.
* Types are sniffed from magic numbers: ``%PDF-`` at offset 0 (junk before the header is not
  accepted), the PNG signature, ``FF D8 FF`` for JPEG, and an ISO-BMFF ``ftyp`` box at offset 4
  whose brands say HEIC (heic, heix, heim, heis, hevc, hevx, …) or MP4 (isom, iso2…iso9, mp41,
  mp42, avc1, M4V, dash, …). QuickTime (``qt``), AVIF, 3GP-only and audio-only brands are not
  MP4 video. Video is never decoded, only sniffed and hashed in 1 MiB chunks.
* The 40-megapixel cap applies to every image (drawings and supporting images alike; 40 MP is
  40,000,000 pixels); the 800 px minimum only to drawings (a supporting diagram may be small).
  Pillow's own guard is lowered to the same limit at import (never raised), so it errors from
  80 MP, before any decoding; our check refuses everything above 40 MP first (between 40 and
  80 MP Pillow also emits a ``DecompressionBombWarning``; the file is refused either way, and
  with warnings turned into errors the result is the same ``image_too_large``).
  ``ImageFile.LOAD_TRUNCATED_IMAGES`` is forced back to ``False`` on every call, because it is a
  process-wide switch another library could flip.
* Animated PNG (APNG with more than one frame) is refused: ``unsupported_type`` with
  ``detail["reason"] == "animated"``. A multi-picture JPEG (MPO: camera previews, depth maps)
  and a HEIC with several images are accepted and only the primary image is used.
* Reported width/height are as displayed: EXIF orientations 5–8 swap them (HEIC is already
  upright when pillow-heif opens it). Images with trailing bytes (PNG+HTML, JPEG+ZIP) are
  accepted: only re-encoded derivatives are ever shown to anyone but the owner.
* The 30-page limit and the strict parse apply to every PDF, including supporting files.
  The page count comes from walking the page tree, not from its ``/Count``.
* A PDF is quarantined (stored, never shown to judges) rather than refused when its reachable
  object graph contains: JavaScript anywhere (``/JS``, a ``/JavaScript`` name tree or action,
  ``/XFA`` forms, which can script) → ``"javascript"``; a ``/Launch`` action →
  ``"launch_action"``; embedded files (``/EmbeddedFiles``, ``/EF``, ``/EmbeddedFile`` streams,
  ``/FileAttachment`` annotations, ``/GoToE``) → ``"embedded_files"``; an automatic action
  (``/OpenAction`` or ``/AA``) that does more than navigate inside the document, e.g. opens a
  URL or submits a form, which could tell an entrant who is reading → ``"auto_action"``. When
  several apply, the first in that order is reported. Names are compared after pypdf decodes
  ``#xx`` escapes, so ``/J#53`` is ``/JS``. Known limit: even in strict mode pypdf repairs an
  xref entry that points at the wrong offset by searching for ``N G obj``; a file that defines
  an object twice could then be read differently by pypdf and by a viewer. Judges only ever get
  the copy from ``pdfsanitise.pdf_judge_copy``: pixels of the pages as PDFium rendered them,
  so whatever such a file hides elsewhere cannot reach them, whichever reading is right.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO

import pillow_heif
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from core.errors import ValidationFailed
from submissions.pdfwalk import PdfTooComplex, pdf_containers
from submissions.text import text_clean

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_PDF_PAGES",
    "MAX_PIXELS",
    "MAX_VIDEO_BYTES",
    "MIN_DRAWING_SHORT_SIDE",
    "SLOTS_BY_TRACK",
    "SLOT_RULES",
    "FileRejected",
    "Inspection",
    "RejectionCode",
    "SlotRule",
    "display_filename",
    "file_inspect",
    "pillow_guard",
    "sniff_content_type",
]

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

_CHUNK = 1 * MB
_HEAD = 4096

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


# --- sniffing -------------------------------------------------------------------------------

_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9"}
    | {b"mp41", b"mp42", b"mp71", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"MSNV"}
    | {b"dash", b"f4v "}
)
# Major brands that make a file something else even if it lists an MP4 brand as compatible.
_NOT_MP4_MAJOR = frozenset({b"qt  ", b"mif1", b"msf1", b"avif", b"avis", b"M4A ", b"M4B "})

_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-elf"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x1f\x8b", "application/gzip"),
    (b"Rar!", "application/vnd.rar"),
    (b"7z\xbc\xaf", "application/x-7z-compressed"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
)


def _ftyp_brands(head: bytes) -> tuple[bytes, frozenset[bytes]] | None:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[0:4], "big")
    if box_size < 16:
        return None
    end = min(box_size, len(head))
    compatible = frozenset(head[i : i + 4] for i in range(16, end - 3, 4))
    return head[8:12], compatible


def sniff_content_type(head: bytes) -> str | None:
    """The accepted MIME type the first bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    brands = _ftyp_brands(head)
    if brands is not None:
        major, compatible = brands
        if major in _HEIC_BRANDS or (major in {b"mif1", b"msf1"} and compatible & _HEIC_BRANDS):
            return HEIC
        if major in _MP4_BRANDS or (major not in _NOT_MP4_MAJOR and compatible & _MP4_BRANDS):
            return MP4
    return None


def _describe_refused(head: bytes) -> str:
    """A best-effort label for a refused file, for ``detail`` (support and logs only)."""
    for signature, label in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return label
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if (brands := _ftyp_brands(head)) is not None:
        return f"iso-bmff/{brands[0].decode('latin-1').strip()}"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in text:
        return "image/svg+xml"
    if text.startswith(b"<"):
        return "text/html"
    return "application/octet-stream"


# --- reading --------------------------------------------------------------------------------


def _read_exact(fileobj: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes (fewer only at end of file); tolerates short reads."""
    parts: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = fileobj.read(min(_CHUNK, remaining))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _size_mismatch(size: int, actual: int) -> FileRejected:
    return FileRejected(
        RejectionCode.CORRUPT_FILE,
        detail={"reason": "size_mismatch", "expected": size, "actual": actual},
    )


# --- entry point ----------------------------------------------------------------------------


def file_inspect(*, fileobj: BinaryIO, slot: str, size: int) -> Inspection:
    """Inspect ``size`` bytes read from ``fileobj`` for ``slot``; raise FileRejected if bad."""
    try:
        rule = SLOT_RULES[slot]
    except KeyError:
        raise ValueError(f"unknown upload slot {slot!r}") from None
    if size > rule.max_bytes:
        raise FileRejected(
            RejectionCode.FILE_TOO_LARGE,
            format_lazy(
                _("The file is larger than the {limit} MB limit."), limit=rule.max_bytes // MB
            ),
            detail={"size": size, "max_bytes": rule.max_bytes},
        )

    head = _read_exact(fileobj, min(_HEAD, max(size, 0) + 1))
    if not head:
        raise FileRejected(
            RejectionCode.CORRUPT_FILE,
            _("The file is empty."),
            detail={"reason": "empty", "expected": size, "actual": 0},
        )
    if len(head) > size or (len(head) < min(_HEAD, size + 1) and len(head) != size):
        raise _size_mismatch(size, len(head))  # longer than declared, or ended early
    content_type = sniff_content_type(head)
    if content_type not in rule.allowed:
        raise FileRejected(
            RejectionCode.UNSUPPORTED_TYPE,
            detail={
                "detected": content_type or _describe_refused(head),
                "allowed": sorted(rule.allowed),
            },
        )

    limit = size + 1 - len(head)  # one byte more than declared, to notice a longer object
    if content_type == MP4:  # up to 200 MB: hashed in chunks, never held in memory
        digest = hashlib.sha256(head)
        actual = len(head)
        while limit > 0:
            chunk = fileobj.read(min(_CHUNK, limit))
            if not chunk:
                break
            digest.update(chunk)
            actual += len(chunk)
            limit -= len(chunk)
        if actual != size:
            raise _size_mismatch(size, actual)
        return Inspection(MP4, size, digest.hexdigest(), None, None, None)

    data = head + _read_exact(fileobj, limit) if limit > 0 else head  # ≤ 20 MB
    if len(data) != size:
        raise _size_mismatch(size, len(data))
    sha256 = hashlib.sha256(data).hexdigest()
    if content_type == PDF:
        pages, reason = _pdf_inspect(data, rule)
        return Inspection(PDF, size, sha256, None, None, pages, reason)
    width, height = _image_inspect(data, content_type, rule)
    return Inspection(content_type, size, sha256, width, height, None)


# --- images ---------------------------------------------------------------------------------

_PIL_FORMATS = {JPEG: ["JPEG"], PNG: ["PNG"], HEIC: ["HEIF"]}
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})


def _too_large(width: int, height: int, max_pixels: int) -> FileRejected:
    return FileRejected(
        RejectionCode.IMAGE_TOO_LARGE,
        format_lazy(
            _("The image is larger than {limit} megapixels."), limit=max_pixels // 1_000_000
        ),
        detail={"width": width, "height": height, "max_pixels": max_pixels},
    )


def _image_inspect(data: bytes, content_type: str, rule: SlotRule) -> tuple[int, int]:
    pillow_guard()
    try:
        with warnings.catch_warnings():  # between 1x and 2x Pillow only warns: make it refuse
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=_PIL_FORMATS[content_type])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard, raised from the header: far above our limit (or warnings as errors)
        raise FileRejected(
            RejectionCode.IMAGE_TOO_LARGE,
            format_lazy(
                _("The image is larger than {limit} megapixels."),
                limit=rule.max_pixels // 1_000_000,
            ),
            detail={"reason": "decompression_bomb", "max_pixels": rule.max_pixels},
        ) from exc
    except Exception as exc:  # untrusted input: any parser failure means a broken file
        raise FileRejected(RejectionCode.CORRUPT_FILE, detail={"reason": "unreadable"}) from exc

    with im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise FileRejected(RejectionCode.CORRUPT_FILE, detail={"reason": "no_pixels"})
        # Decided from the header alone, before any pixel is decoded.
        if width * height > rule.max_pixels:
            raise _too_large(width, height, rule.max_pixels)
        if content_type == PNG and getattr(im, "n_frames", 1) > 1:
            raise FileRejected(
                RejectionCode.UNSUPPORTED_TYPE,
                _("Animated images are not accepted. Please upload a still image."),
                detail={"reason": "animated", "frames": im.n_frames},
            )
        if min(width, height) < rule.min_short_side:
            raise FileRejected(
                RejectionCode.IMAGE_TOO_SMALL,
                format_lazy(
                    _("The image must be at least {limit} pixels on its shorter side."),
                    limit=rule.min_short_side,
                ),
                detail={"width": width, "height": height, "min_short_side": rule.min_short_side},
            )
        try:
            im.load()  # a full decode: verify() alone passes truncated files
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_large(width, height, rule.max_pixels) from exc
        except Exception as exc:  # untrusted input: truncated or undecodable
            raise FileRejected(RejectionCode.CORRUPT_FILE, detail={"reason": "truncated"}) from exc
        try:
            orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
        except Exception:  # a broken EXIF block does not spoil the pixels
            orientation = 1
    if orientation in _SWAPPING_ORIENTATIONS:
        width, height = height, width
    return width, height


# --- PDF ------------------------------------------------------------------------------------

_QUARANTINE_ORDER = ("javascript", "launch_action", "embedded_files", "auto_action")
_NAVIGATION_ACTIONS = frozenset({"/GoTo", "/Named"})


def _invalid_pdf(reason: str, message: Any = None, **detail: Any) -> FileRejected:
    return FileRejected(RejectionCode.INVALID_PDF, message, detail={"reason": reason, **detail})


def _pdf_inspect(data: bytes, rule: SlotRule) -> tuple[int, str]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        encrypted = reader.is_encrypted
    except Exception as exc:  # untrusted input: pypdf raises many kinds on malformed files
        raise _invalid_pdf("parse_error") from exc
    if encrypted:
        raise _invalid_pdf(
            "encrypted",
            _("The PDF is encrypted or password-protected. Please upload it without protection."),
        )
    try:
        pages = len(reader.pages)
        findings = _pdf_active_content(reader)
    except PdfTooComplex as exc:
        raise _invalid_pdf("too_complex") from exc
    except Exception as exc:  # untrusted input
        raise _invalid_pdf("parse_error") from exc
    if pages < 1:
        raise _invalid_pdf("no_pages", _("The PDF has no pages."))
    if pages > rule.max_pages:
        raise _invalid_pdf(
            "too_many_pages",
            format_lazy(
                _("The PDF has {pages} pages; at most {limit} are allowed."),
                pages=pages,
                limit=rule.max_pages,
            ),
            pages=pages,
            max_pages=rule.max_pages,
        )
    reason = next((r for r in _QUARANTINE_ORDER if r in findings), "")
    return pages, reason


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _pdf_active_content(reader: PdfReader) -> set[str]:
    """Walk every dictionary and array reachable from the trailer; return what was found."""
    findings: set[str] = set()
    for obj in pdf_containers(reader.trailer, limit=MAX_PDF_CONTAINERS):
        if isinstance(obj, DictionaryObject):  # includes streams; their data is not decoded
            _pdf_dict_check(obj, findings)
    return findings


def _pdf_dict_check(d: DictionaryObject, findings: set[str]) -> None:
    keys = set(dict.keys(d))
    action = _resolve(dict.get(d, "/S"))
    kind = _resolve(dict.get(d, "/Type"))
    subtype = _resolve(dict.get(d, "/Subtype"))
    if "/JS" in keys or "/JavaScript" in keys or "/XFA" in keys or action == "/JavaScript":
        findings.add("javascript")
    if action == "/Launch":
        findings.add("launch_action")
    if (
        "/EmbeddedFiles" in keys
        or "/EF" in keys
        or kind == "/EmbeddedFile"
        or subtype == "/FileAttachment"
        or action == "/GoToE"
    ):
        findings.add("embedded_files")
    automatic: list[Any] = []
    open_action = _resolve(dict.get(d, "/OpenAction"))
    if isinstance(open_action, DictionaryObject):  # an array is a plain destination
        automatic.append(open_action)
    additional = _resolve(dict.get(d, "/AA"))
    if isinstance(additional, DictionaryObject):
        automatic.extend(dict.values(additional))
    if any(not _only_navigation(a) for a in automatic):
        findings.add("auto_action")


def _only_navigation(action: Any) -> bool:
    """True if an action and its /Next chain only move within the document."""
    pending, seen = [action], 0
    while pending:
        current = _resolve(pending.pop())
        seen += 1
        if seen > 1000 or not isinstance(current, DictionaryObject):
            return False
        if _resolve(dict.get(current, "/S")) not in _NAVIGATION_ACTIONS:
            return False
        following = _resolve(dict.get(current, "/Next"))
        if isinstance(following, ArrayObject):
            pending.extend(list.__iter__(following))
        elif following is not None:
            pending.append(following)
    return True


# --- filenames ------------------------------------------------------------------------------

MAX_FILENAME_CHARS = 120
_MAX_EXTENSION_CHARS = 16


def display_filename(name: str) -> str:
    """The user's filename as display text only: never a path, never a storage key.

    NFC-normalised; everything up to the last ``/`` or ``\\`` dropped; control characters
    (NUL included), lone surrogates, bidi controls and zero-width spaces removed; whitespace runs
    become one space; at most 120 characters, shortening the stem so a short extension
    (≤ 16 characters) survives; empty, "." or ".." → "file".
    """
    text = text_clean(name)  # the one cleaning of entrants' text (NFC, nothing invisible)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split())
    if len(text) > MAX_FILENAME_CHARS:
        stem, dot, extension = text.rpartition(".")
        if stem and dot and 0 < len(extension) <= _MAX_EXTENSION_CHARS:
            keep = MAX_FILENAME_CHARS - len(extension) - 1
            text = f"{stem[:keep].rstrip()}.{extension}"
        else:
            text = text[:MAX_FILENAME_CHARS].rstrip()
    if not text.strip("."):
        return "file"
    return text
