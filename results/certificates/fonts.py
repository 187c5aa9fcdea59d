"""The certificate font: NanumMyeongjo Regular and Bold from ``static/fonts/`` (SIL OFL 1.1).

Why this font: a Myeongjo serif is what a formal Korean certificate (상장) is set in; both
weights cover all 11,172 modern Hangul syllables plus Latin, digits and common punctuation;
their outlines are TrueType, which reportlab embeds and subsets (it cannot embed the CFF
outlines of Noto CJK's OTF/OTC files). Shipped in the repo rather than taken from PyPI: the
Korean font packages there are one-person uploads, and ``make run`` must work with only Python
and git. It has no Hanja and no emoji, so text is checked against the font's character map
before anything is drawn: a certificate never prints empty boxes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from results.certificates.data import CertificateData, CertificateStyle

__all__ = [
    "FONT_BOLD",
    "FONT_DIR",
    "FONT_REGULAR",
    "certificate_check",
    "fonts_register",
    "glyphs_missing",
]

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT_REGULAR, FONT_BOLD = "NanumMyeongjo", "NanumMyeongjo-Bold"
_FONT_FILES = {FONT_REGULAR: "NanumMyeongjo.ttf", FONT_BOLD: "NanumMyeongjoBold.ttf"}
# Not printed, so not checked: the URL and serial are ASCII by validation, the colour a code.
_UNPRINTED = frozenset({"kind", "accent", "logo", "verify_url", "serial"})


@cache
def fonts_register() -> frozenset[int]:
    """Register both weights with reportlab once per process; return the code points covered
    by *both* (a character one weight lacks is missing wherever it is printed)."""
    cmaps = []
    for name, filename in _FONT_FILES.items():
        font = TTFont(name, str(FONT_DIR / filename))
        pdfmetrics.registerFont(font)
        cmaps.append(frozenset(font.face.charToGlyph))
    return frozenset.intersection(*cmaps)


def glyphs_missing(*, text: str) -> str:
    """The distinct characters of ``text`` (NFC) the certificate font cannot draw, in order."""
    covered = fonts_register()
    seen: dict[str, None] = {}
    for char in unicodedata.normalize("NFC", text):
        if ord(char) not in covered and not char.isspace():
            seen.setdefault(char)
    return "".join(seen)


def certificate_check(*, data: CertificateData, style: CertificateStyle) -> dict[str, str]:
    """Field name → characters the font lacks, for every printed field; empty when printable.

    Run it before queueing a bulk job so the organizer can fix a title with Hanja or emoji.
    """
    texts = {item.name: getattr(data, item.name) for item in fields(data)}
    texts |= {item.name: getattr(style, item.name) for item in fields(style)}
    found = {
        name: glyphs_missing(text=value)
        for name, value in texts.items()
        if isinstance(value, str) and name not in _UNPRINTED
    }
    return {name: chars for name, chars in found.items() if chars}
