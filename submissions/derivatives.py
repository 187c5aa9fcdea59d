"""What anyone but the owner gets to see of a file (DOMAIN §4, §10 "Files"). Pure: bytes in,
bytes out; no models, no storage. Call only on files that ``file_inspect`` accepted.

Images are decoded and re-encoded, so nothing of the upload survives but its pixels:

* EXIF orientation is applied (``ImageOps.exif_transpose``); the result is upright.
* Every mode becomes 8-bit RGB: transparency (RGBA, LA, P/PA with transparency, tRNS) is
  composited onto white, 16-bit greyscale is scaled to 8 bits, CMYK and others are converted.
  An embedded ICC profile is used to convert the pixels to sRGB (so a Display-P3 phone photo
  keeps its colours) and is then dropped; a profile LittleCMS cannot use is ignored.
* The encoded JPEG (quality 85) is built from a fresh image with empty ``info``: no EXIF (so
  no GPS), no ICC, no XMP, no comment, nothing after the end-of-image marker (a PNG+HTML or
  JPEG+ZIP polyglot loses its payload).
* preview: longest side ≤ 2048 px; thumbnail: ≤ 400 px, made from the preview. Images are never
  enlarged. Only the first frame of a multi-frame file is used.

The judges' copy of a PDF is made in ``submissions.pdfsanitise``: rebuilt from rendered pages,
so nothing of the original survives but what a reader sees.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps

from submissions.inspection import FileRejected, RejectionCode, pillow_guard

__all__ = [
    "JPEG_QUALITY",
    "PREVIEW_MAX_SIDE",
    "THUMBNAIL_MAX_SIDE",
    "ImageDerivatives",
    "image_derivatives",
]

PREVIEW_MAX_SIDE = 2048
THUMBNAIL_MAX_SIDE = 400
JPEG_QUALITY = 85
_WHITE = (255, 255, 255)
_PIL_FORMATS = ["JPEG", "PNG", "HEIF"]  # MPO arrives through the JPEG opener


@dataclass(frozen=True)
class ImageDerivatives:
    preview: bytes  # JPEG, longest side ≤ PREVIEW_MAX_SIDE
    thumbnail: bytes  # JPEG, longest side ≤ THUMBNAIL_MAX_SIDE
    width: int  # of the preview
    height: int


def image_derivatives(*, fileobj: BinaryIO) -> ImageDerivatives:
    """Re-encoded, upright, metadata-free preview and thumbnail of an accepted image."""
    pillow_guard()
    with Image.open(io.BytesIO(fileobj.read()), formats=_PIL_FORMATS) as im:
        width, height = im.size
        if width * height > Image.MAX_IMAGE_PIXELS:  # inspection refuses these; never decode
            raise FileRejected(
                RejectionCode.IMAGE_TOO_LARGE, detail={"width": width, "height": height}
            )
        icc_profile = im.info.get("icc_profile")
        if im.format in {"JPEG", "MPO"}:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is still ≥ the preview.
            im.draft("RGB", (PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
        im.load()
        ImageOps.exif_transpose(im, in_place=True)
        # Shrink before compositing (Pillow resizes RGBA/LA with premultiplied alpha), so no
        # extra full-size copy is made.
        preview = _shrink(_normalise_mode(im), PREVIEW_MAX_SIDE)
    preview = _to_srgb(_flatten(preview), icc_profile)
    thumbnail = _shrink(preview, THUMBNAIL_MAX_SIDE)
    return ImageDerivatives(
        preview=_clean_jpeg(preview),
        thumbnail=_clean_jpeg(thumbnail),
        width=preview.width,
        height=preview.height,
    )


def _normalise_mode(im: Image.Image) -> Image.Image:
    """One of RGB, RGBA, L, LA or CMYK, 8 bits per channel."""
    mode = im.mode
    if mode.startswith("I;16") or mode == "I":
        return im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "F":
        return im.convert("L")
    if mode in {"P", "PA", "RGB", "L"} and (mode == "PA" or "transparency" in im.info):
        return im.convert("RGBA")
    if mode in {"RGBA", "RGB", "L", "LA", "CMYK"}:
        return im
    if mode in {"RGBa", "La"}:
        return im.convert("RGBA")
    if mode == "1":
        return im.convert("L")
    return im.convert("RGB")  # P, YCbCr, LAB, HSV, RGBX, …


def _shrink(im: Image.Image, side: int) -> Image.Image:
    """A new image whose longest side is at most ``side`` (never enlarged)."""
    width, height = im.size
    if max(width, height) <= side:
        return im.copy()
    scale = side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode not in {"RGBA", "LA"}:
        return im
    background = Image.new("RGBA", im.size, (*_WHITE, 255))
    background.alpha_composite(im.convert("RGBA"))
    return background.convert("RGB")


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(
                im, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable or mismatched profile: convert without it
    return im.convert("RGB")


def _clean_jpeg(im: Image.Image) -> bytes:
    clean = Image.new("RGB", im.size)  # empty info: nothing of the original travels along
    clean.paste(im.convert("RGB"))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
