"""Certificate PDFs: 상장 (award) and 참가확인서 (participation confirmation), DOMAIN §8.

A pure engine: plain data in, PDF bytes out — no Django, no ORM. The service layer builds one
:class:`CertificateData` per certificate (it decides whether the name is full or masked: the PDF
prints what it is given; the public ``/verify/<serial>`` page masks) and one
:class:`CertificateStyle` per contest, then calls :func:`certificate_render` for one PDF or
:func:`certificates_zip_write` for a whole contest; :func:`serial_generate` makes the serials.

Choices (each module says more)
-------------------------------
* **reportlab** draws the page (:mod:`.page`): BSD, pure Python, embeds and *subsets* TrueType
  fonts (only the glyphs a certificate uses go into the PDF, ~80 KB a page) and writes
  reproducible files (``invariant=1``); ``rl-accel``, ReportLab's own C extension, speeds
  its number formatting and ASCII85 (~25 % more certificates per second).
* **NanumMyeongjo** Regular + Bold, SIL OFL 1.1, shipped in ``static/fonts/`` (:mod:`.fonts`).
  Text it cannot draw (Hanja, emoji) raises :class:`MissingGlyphs` instead of printing boxes.
* **segno** makes the QR code: BSD, pure Python, no dependencies, ISO/IEC 18004 conformant and
  kept up; its module matrix is drawn as vector squares, sharp in print and a few hundred
  bytes. ``qrcode`` would have meant a raster image (Pillow) or an SVG detour, and reportlab's
  own ``barcode.qr`` is an old port with little upkeep.
* **Serials** ``WSCE21-C-XXXX-XXXX-XXC``: 50 random bits and a Damm check symbol
  (:mod:`.serials`).
* **Text** is NFC-normalised (a decomposed macOS ``ㅎㅏㄴ`` would miss the font's precomposed
  syllables) and its whitespace collapsed, on creation of the dataclasses.
"""

from results.certificates.bulk import certificate_filename, certificates_zip_write
from results.certificates.data import (
    CertificateData,
    CertificateError,
    CertificateKind,
    CertificateStyle,
    MissingGlyphs,
)
from results.certificates.fonts import FONT_DIR, certificate_check, glyphs_missing
from results.certificates.page import certificate_render
from results.certificates.serials import serial_generate, serial_is_valid, serial_normalize

__all__ = [
    "FONT_DIR",
    "CertificateData",
    "CertificateError",
    "CertificateKind",
    "CertificateStyle",
    "MissingGlyphs",
    "certificate_check",
    "certificate_filename",
    "certificate_render",
    "certificates_zip_write",
    "glyphs_missing",
    "serial_generate",
    "serial_is_valid",
    "serial_normalize",
]
