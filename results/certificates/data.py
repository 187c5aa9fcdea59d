"""The certificate's inputs: what it says (:class:`CertificateData`) and who issues it and how
it looks (:class:`CertificateStyle`), validated on creation so a bad row fails before a bulk run
reaches it. Plain frozen dataclasses: the service layer builds them from the models."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from PIL import Image

__all__ = [
    "LOGO_MAX_PIXELS",
    "CertificateData",
    "CertificateError",
    "CertificateKind",
    "CertificateStyle",
    "MissingGlyphs",
]

_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
LOGO_MAX_PIXELS = (900, 270)  # the 180 × 54 pt logo box at 360 dpi


class CertificateKind(StrEnum):
    """What the certificate attests; the value is stored, the label printed."""

    AWARD = "award"
    PARTICIPATION = "participation"

    @property
    def label(self) -> str:
        return {"award": "상장", "participation": "참가확인서"}[self.value]

    @property
    def label_en(self) -> str:
        return {"award": "Certificate of Award", "participation": "Certificate of Participation"}[
            self.value
        ]


class CertificateError(ValueError):
    """The data cannot make a correct certificate (a caller's mistake, not a rendering bug)."""


class MissingGlyphs(CertificateError):
    """Some text has characters the font cannot draw (Hanja, emoji …): it would print boxes."""

    def __init__(self, missing: dict[str, str]) -> None:
        self.missing = missing
        detail = ", ".join(f"{name}: {chars!r}" for name, chars in missing.items())
        super().__init__(f"characters the certificate font cannot print — {detail}")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateData:
    """One certificate. Text fields are NFC-normalised and whitespace-collapsed on creation.

    Track S fills ``team_name`` and ``university``; Track D fills ``division`` and ``school``
    (only if the family consented) and passes the child as ``recipient_name`` — the child is
    honoured, not the guardian who entered. Empty optional fields are left off the page.
    ``amount_krw`` is the tier's prize in whole won (0 = a certificate-only tier such as 입선;
    always 0 for participation).
    """

    serial: str
    kind: CertificateKind
    contest_title: str
    recipient_name: str
    entry_title: str
    issued_on: date
    verify_url: str
    contest_title_en: str = ""
    team_name: str = ""
    university: str = ""
    division: str = ""
    school: str = ""
    tier_name: str = ""
    amount_krw: int = 0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str):
                object.__setattr__(self, item.name, _clean(value))
        try:
            object.__setattr__(self, "kind", CertificateKind(self.kind))
        except ValueError:
            raise CertificateError(f"kind: one of {[k.value for k in CertificateKind]}") from None
        for name in ("serial", "contest_title", "recipient_name", "entry_title"):
            if not getattr(self, name):
                raise CertificateError(f"{name} is empty")
        if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", self.serial):
            raise CertificateError("serial: letters, digits and '-' only, at most 40")
        if not re.fullmatch(r"https?://[^\s/]+/\S*", self.verify_url):
            raise CertificateError("verify_url must be an absolute http(s) URL")
        if type(self.amount_krw) is not int or self.amount_krw < 0:
            raise CertificateError("amount_krw must be a whole, non-negative number of won")
        if type(self.issued_on) is not date:
            raise CertificateError("issued_on must be a date (not a datetime)")
        if self.kind is CertificateKind.AWARD and not self.tier_name:
            raise CertificateError("an award certificate needs its tier_name")
        if self.kind is CertificateKind.PARTICIPATION and (self.tier_name or self.amount_krw):
            raise CertificateError("a participation certificate has no tier and no amount")


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateStyle:
    """Who issues the certificates and how they look; one per contest, set by the organizer.

    ``logo`` is PNG or JPEG bytes, drawn top centre within 180 × 54 pt, aspect kept, PNG
    transparency respected. It is checked by decoding it once here, and one larger than
    :data:`LOGO_MAX_PIXELS` (~360 dpi in that box) is scaled down — re-encoded in its own
    format — so a 5 MB photo is not embedded 2,000 times. ``accent`` is a ``#rrggbb`` colour
    for the frame, the subtitle and the tier.
    """

    organizer: str
    signatory_name: str
    signatory_title: str
    logo: bytes | None = None
    accent: str = "#1f3a5f"

    def __post_init__(self) -> None:
        for name in ("organizer", "signatory_name", "signatory_title"):
            value = _clean(getattr(self, name))
            if not value:
                raise CertificateError(f"{name} is empty")
            object.__setattr__(self, name, value)
        if not _HEX_COLOUR.fullmatch(self.accent):
            raise CertificateError("accent must be a #rrggbb colour")
        if self.logo is not None:
            object.__setattr__(self, "logo", _logo_fit(self.logo))


def _logo_fit(logo: bytes) -> bytes:
    """The logo as given if it is a PNG or JPEG no larger than LOGO_MAX_PIXELS, else scaled
    down into that box; anything Pillow cannot decode as PNG or JPEG is refused."""
    try:
        with Image.open(io.BytesIO(logo)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise CertificateError(f"logo must be PNG or JPEG, not {image.format}")
            image.load()
            if image.width <= LOGO_MAX_PIXELS[0] and image.height <= LOGO_MAX_PIXELS[1]:
                return logo
            image_format = image.format
            smaller = image.copy()
    except (OSError, Image.DecompressionBombError) as error:
        raise CertificateError(f"logo cannot be read as an image: {error}") from error
    smaller.thumbnail(LOGO_MAX_PIXELS, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image_format == "JPEG":
        smaller.convert("RGB").save(out, "JPEG", quality=90)
    else:
        smaller.save(out, "PNG", optimize=True)
    return out.getvalue()
