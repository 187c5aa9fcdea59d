"""Sniffing the type from the bytes, reading a stored object once, and the entry point
:func:`file_inspect`."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from submissions.inspection.images import image_inspect
from submissions.inspection.pdf import pdf_inspect
from submissions.inspection.rules import (
    HEIC,
    JPEG,
    MB,
    MP4,
    PDF,
    PNG,
    SLOT_RULES,
    FileRejected,
    Inspection,
    RejectionCode,
)

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

_CHUNK = 1 * MB  # video is hashed in chunks of this size
_HEAD = 4096  # bytes read first, to sniff the type


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
        pages, reason = pdf_inspect(data, rule)
        return Inspection(PDF, size, sha256, None, None, pages, reason)
    width, height = image_inspect(data, content_type, rule)
    return Inspection(content_type, size, sha256, width, height, None)
