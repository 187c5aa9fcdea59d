"""Many certificates into one ZIP stream, one PDF in memory at a time."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import BinaryIO

from results.certificates.data import CertificateData, CertificateError, CertificateStyle
from results.certificates.page import certificate_render

__all__ = ["certificate_filename", "certificates_zip_write"]


def certificate_filename(*, data: CertificateData) -> str:
    """``<kind>-<serial>.pdf`` — ASCII, so every unzip tool and OS keeps it intact."""
    return f"{data.kind.value}-{data.serial}.pdf"


def certificates_zip_write(
    *, certificates: Iterable[CertificateData], style: CertificateStyle, out: BinaryIO
) -> int:
    """Render each certificate and add it to a ZIP written to ``out``; return how many.

    One certificate is in memory at a time (``certificates`` may be a lazy iterator, e.g. a
    queryset's ``iterator()`` mapped to :class:`CertificateData`), and ``out`` need not be
    seekable (zipfile then writes data descriptors), so memory stays flat however many there
    are. Entries are stored, not deflated: the PDFs' streams are already Flate-compressed.
    Entry times are the issue dates, so the archive is deterministic too. A repeated file
    name raises :class:`CertificateError` (the ZIP written so far is left incomplete).
    """
    names: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for data in certificates:
            name = certificate_filename(data=data)
            if name in names:
                raise CertificateError(f"two certificates would both be named {name}")
            names.add(name)
            day = data.issued_on
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, certificate_render(data=data, style=style))
    return len(names)
