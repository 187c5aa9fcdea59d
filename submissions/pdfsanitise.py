"""The judges' copy of a PDF, rebuilt from rendered pages (DOMAIN §10, "People": the copy
keeps nothing of the original but what a reader sees). Pure: bytes in, bytes out; no models,
no storage. Call only on PDFs that ``file_inspect`` accepted and did not quarantine.

Why pixels: a PDF can hold text in dozens of places a reader never sees — the information
dictionary, XMP streams on any object, annotations' authors (``/T``) and pop-ups, form fields'
names and values, attachments, bookmarks, page labels, scripts, an embedded JPEG's EXIF, a
PNG's text chunks, private application data. Stripping them one by one misses the next one
(an annotation's author and a JPEG's EXIF ``Artist`` survived the old copy). As document
sanitisers do (Dangerzone), each page is rendered to pixels and a new PDF is built from those
pixels alone; nothing else of the original is copied, so there is nothing left to forget.

Choices:

* Rendering: PDFium (``pypdfium2``, Chrome's PDF engine), one page at a time, with
  annotations' and form fields' appearances drawn (what a reader sees); hidden annotations,
  pop-ups and hidden optional-content layers are not drawn. The bindings are built without
  JavaScript and XFA (checked at import), so nothing in the file runs. PDFium is not
  thread-safe: one lock serialises every document in this process.
* Resolution and format: 200 dpi, baseline JPEG quality 80 (4:2:0), 8-bit RGB on white.
  10-point text stays sharp at 100 % zoom, also on 2× displays (200 dpi ≈ 2.8 pixels per
  point). Pillow encodes the JPEG from PDFium's bitmap, with no metadata given: its only
  header is JFIF (the density tells the page size); no EXIF, XMP, ICC or comment.
* Assembly: ``img2pdf`` with its internal writer, which embeds each JPEG as it is (no second
  lossy encoding, unlike Pillow's PDF writer) and needs only the encoded pages in memory
  (Pillow's writer needs every page decoded at once). Its output is plain: a catalogue with a
  page tree, one image and one content stream per page, and an empty information dictionary
  (no producer, no dates, no title: ``nodate``, nothing else set). No XMP, outlines, names,
  annotations, forms, page labels, actions or scripts can be written, because nothing but
  the pixels is given to it. ``tests/submissions/test_pdf_sanitise.py`` pins this structure.
* Page size: the rendered size (pixels ÷ dpi), i.e. the original's crop box after its
  rotation, within one pixel (under ½ point).

Size budget: each page ≤ ``PAGE_MAX_BYTES`` (1 MiB) and the whole copy ≤ ``COPY_MAX_BYTES``
(20 MiB, the upload limit); a page's share is the smaller of 1 MiB and 20 MiB ÷ pages (682
KiB for 30 pages). A page over its share is rendered again one rung lower: 200 dpi q80 →
200 dpi q65 → 150 dpi q65 → 150 dpi q50. Real pages fit by then (dense text ≈ 450 KiB and a
full-page photograph ≈ 450 KiB at the first two rungs); only a page of noise or a giant poster
goes further, halving the dpi at q50 until it fits: the budget is a hard bound, and such a
page is the one place where legibility gives way to size.

Time: ≈ 0.06 s a page for a typical proposal (text on every page, a photograph on every third;
2 s for 30 pages), 0.045 s for a text-only manual, 0.16 s for full-page photographs — measured
on one core of a busy 2-core machine.

Memory: one page's bitmap at a time — at most ``MAX_PAGE_PIXELS`` (10 MP: A3 at 200 dpi; A2
comes out at 160 dpi, larger pages at the dpi that fits, and never over ``MAX_PAGE_SIDE``,
8,000 px, a side), i.e. ≤ 30 MB — plus the encoded pages (≤ 20 MiB) and the result (≤ 20
MiB). A page that would not fit even at 1 dpi (over 8,000 inches) is refused.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterator
from typing import BinaryIO

import img2pdf
import pypdfium2 as pdfium

from submissions.inspection import MAX_PDF_PAGES, FileRejected, RejectionCode, pillow_guard

__all__ = [
    "COPY_MAX_BYTES",
    "MAX_PAGE_PIXELS",
    "PAGE_MAX_BYTES",
    "RUNGS",
    "pdf_judge_copy",
    "render_rungs",
]

MiB = 1024 * 1024
PAGE_MAX_BYTES = 1 * MiB
COPY_MAX_BYTES = 20 * MiB
RUNGS: tuple[tuple[int, int], ...] = ((200, 80), (200, 65), (150, 65), (150, 50))  # (dpi, q)
LAST_QUALITY = 50  # below the last rung: halve the dpi at this quality until the page fits
MAX_PAGE_PIXELS = 10_000_000
MAX_PAGE_SIDE = 8_000
_POINTS_PER_INCH = 72
_WHITE = (255, 255, 255, 255)

# Scripts and XFA forms must never run while rendering an untrusted file.
if {"V8", "XFA"} & set(pdfium.PDFIUM_INFO.flags):  # pragma: no cover - a build we never ship
    raise ImportError("pypdfium2 must be built without V8/XFA for the judges' PDF copies")

_PDFIUM_LOCK = threading.Lock()  # PDFium allows one thread in the library at a time


def pdf_judge_copy(*, fileobj: BinaryIO) -> bytes:
    """The judges' copy of an accepted PDF: its pages as JPEG pixels in a new PDF, nothing
    else (see the module docstring). Raises ``FileRejected(invalid_pdf)`` if PDFium cannot
    open the file or it has no pages or more than ``MAX_PDF_PAGES``."""
    data = fileobj.read()
    pages: list[bytes] = []
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:  # encrypted, or beyond PDFium's repairs
            raise FileRejected(RejectionCode.INVALID_PDF, detail={"reason": "unreadable"}) from exc
        try:
            count = len(document)
            if not 1 <= count <= MAX_PDF_PAGES:
                raise FileRejected(
                    RejectionCode.INVALID_PDF, detail={"reason": "page_count", "pages": count}
                )
            document.init_forms()  # before any page is loaded, so form fields are drawn
            share = min(PAGE_MAX_BYTES, COPY_MAX_BYTES // count)
            for index in range(count):
                pages.append(_page_jpeg(document=document, index=index, budget=share))
        finally:
            document.close()
    return _pdf_from_jpegs(pages=pages)


def _page_jpeg(*, document: pdfium.PdfDocument, index: int, budget: int) -> bytes:
    """The page as a clean JPEG of at most ``budget`` bytes, from the highest rung that fits."""
    page = document[index]
    try:
        width, height = page.get_size()
        if not _fits(width=width, height=height, dpi=1):  # beyond any real page: 8,000 inches
            raise FileRejected(
                RejectionCode.INVALID_PDF, detail={"reason": "page_too_large", "page": index + 1}
            )
        jpeg = b""
        for dpi, quality in render_rungs(width=width, height=height):
            jpeg = _render(page=page, dpi=dpi, quality=quality)
            if len(jpeg) <= budget:
                break
        return jpeg  # at 1 dpi every page fits; the loop ends there at the latest
    finally:
        page.close()


def render_rungs(*, width: float, height: float) -> Iterator[tuple[int, int]]:
    """(dpi, JPEG quality) to try in turn for a page of ``width`` × ``height`` points: the
    rungs of ``RUNGS``, each dpi lowered to what the pixel and side caps allow (a rung that
    becomes the same as the one before is skipped), then the dpi halved at ``LAST_QUALITY``
    down to 1."""
    cap = _cap_dpi(width=width, height=height)
    tried: list[tuple[int, int]] = []
    for rung_dpi, quality in RUNGS:
        if (min(rung_dpi, cap), quality) not in tried:  # a capped page can skip a rung
            tried.append((min(rung_dpi, cap), quality))
            yield tried[-1]
    dpi = tried[-1][0]
    while dpi > 1:
        dpi = max(1, dpi // 2)
        yield dpi, LAST_QUALITY


def _cap_dpi(*, width: float, height: float) -> int:
    """The highest whole dpi (at least 1) at which the page's bitmap stays within the caps."""
    width, height = max(width, 1.0), max(height, 1.0)
    by_pixels = _POINTS_PER_INCH * math.sqrt(MAX_PAGE_PIXELS / (width * height))
    by_side = _POINTS_PER_INCH * MAX_PAGE_SIDE / max(width, height)
    dpi = max(1, min(math.floor(min(by_pixels, by_side)), RUNGS[0][0]))
    while dpi > 1 and not _fits(width=width, height=height, dpi=dpi):
        dpi -= 1  # render() rounds each side up: at most a step or two
    return dpi


def _fits(*, width: float, height: float, dpi: int) -> bool:
    """Whether the bitmap PDFium makes at ``dpi`` (each side rounded up) is within the caps."""
    scale = dpi / _POINTS_PER_INCH
    pixels_wide, pixels_high = math.ceil(width * scale), math.ceil(height * scale)
    return (
        pixels_wide * pixels_high <= MAX_PAGE_PIXELS
        and max(pixels_wide, pixels_high) <= MAX_PAGE_SIDE
    )


def _render(*, page: pdfium.PdfPage, dpi: int, quality: int) -> bytes:
    """Render at ``dpi`` and encode a JPEG that holds pixels and the JFIF density only."""
    bitmap = page.render(
        scale=dpi / _POINTS_PER_INCH,
        fill_color=_WHITE,  # opaque: a 3-byte RGB bitmap, transparency composited on white
        draw_annots=True,
        may_draw_forms=True,
        rev_byteorder=True,
        limit_image_cache=True,
    )
    out = io.BytesIO()
    try:
        pillow_guard()
        pixels = bitmap.to_pil()  # a view of the bitmap's buffer, no copy
        pixels.info.clear()  # (empty already) the encoder reads nothing but the pixels
        pixels.save(out, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    finally:
        bitmap.close()
    return out.getvalue()


def _pdf_from_jpegs(*, pages: list[bytes]) -> bytes:
    """A new PDF with one page per JPEG, each page the image's size at its JFIF density."""
    return img2pdf.convert(
        [io.BytesIO(jpeg) for jpeg in pages],  # file objects: bytes could be taken for a path
        engine=img2pdf.Engine.internal,
        nodate=True,
        rotation=img2pdf.Rotation.none,
    )
