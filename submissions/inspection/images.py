"""Images: dimensions from the header, then a full decode (pixel limits, orientation, frames)."""

from __future__ import annotations

import io
import warnings

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image

from submissions.inspection.rules import (
    HEIC,
    JPEG,
    PNG,
    FileRejected,
    RejectionCode,
    SlotRule,
    pillow_guard,
)

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


def image_inspect(data: bytes, content_type: str, rule: SlotRule) -> tuple[int, int]:
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
