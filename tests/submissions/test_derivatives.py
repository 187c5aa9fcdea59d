"""Derivatives (DOMAIN §4, §10 "Files"): what judges and the public see is re-encoded,
upright, metadata-free; the judges' PDF copy carries no author (the whole catalogue of hiding
places is in ``test_pdf_sanitise.py``)."""

import io

import pytest
from PIL import Image, ImageFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from submissions.derivatives import ImageDerivatives, image_derivatives
from submissions.inspection import FileRejected, file_inspect
from submissions.pdfsanitise import pdf_judge_copy
from tests.submissions import badfiles

# JPEG markers a clean re-encode may contain before the scan: APP0 (JFIF), quantisation and
# Huffman tables, restart interval, start of frame (baseline/progressive), start of scan.
CLEAN_MARKERS = {0xE0, 0xDB, 0xC4, 0xDD, 0xC0, 0xC1, 0xC2, 0xDA}


def derive(data: bytes) -> ImageDerivatives:
    return image_derivatives(fileobj=io.BytesIO(data))


def jpeg_markers(data: bytes) -> list[int]:
    """The marker segments of a JPEG up to its first scan."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while True:
        assert data[position] == 0xFF
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            return markers
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")


def assert_clean_jpeg(data: bytes) -> None:
    assert set(jpeg_markers(data)) <= CLEAN_MARKERS  # no APP1 (EXIF/XMP), APP2 (ICC), COM
    assert data.index(b"\xff\xd9") == len(data) - 2  # nothing after the end of the image
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        assert im.mode == "RGB"
        assert not im.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(im.info)


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def close_to(pixel, colour, tolerance=24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


# --- images ---------------------------------------------------------------------------------


def test_photo_with_gps_and_orientation_6_comes_out_upright_and_without_metadata():
    original = badfiles.jpeg_with_gps_and_orientation6(1200, 900)  # stored grid: 1200 × 900

    result = derive(original)

    assert_clean_jpeg(result.preview)
    assert_clean_jpeg(result.thumbnail)
    preview = decoded(result.preview)
    assert preview.size == (result.width, result.height) == (900, 1200)  # swapped: upright
    # the red marker stored at the top-left is shown at the top-right
    assert close_to(preview.getpixel((900 - 10, 10)), badfiles.RED)
    assert close_to(preview.getpixel((10, 10)), badfiles.BLUE)  # the bottom bar, now at left
    assert close_to(preview.getpixel((450, 600)), badfiles.WHITE)
    assert decoded(result.thumbnail).size == (300, 400)
    for data in (result.preview, result.thumbnail):
        assert badfiles.AUTHOR.encode() not in data
        assert b"Gongmo Phone" not in data


def test_heic_with_gps_loses_its_exif():
    result = derive(badfiles.heic_with_gps(1024, 800))

    assert_clean_jpeg(result.preview)
    assert (result.width, result.height) == (1024, 800)


@pytest.mark.parametrize(
    ("make", "payload"),
    [
        (badfiles.png_with_appended_html, b"<script"),
        (badfiles.jpeg_zip_polyglot, b"PK\x03\x04"),
    ],
)
def test_polyglot_loses_its_payload(make, payload):
    original = make()
    assert payload in original

    result = derive(original)

    for data in (result.preview, result.thumbnail):
        assert payload not in data
        assert_clean_jpeg(data)


@pytest.mark.parametrize(
    ("size", "preview_size", "thumbnail_size"),
    [
        ((5000, 3000), (2048, 1229), (400, 240)),
        ((3000, 5000), (1229, 2048), (240, 400)),
        ((2048, 2048), (2048, 2048), (400, 400)),
        ((1000, 800), (1000, 800), (400, 320)),  # never enlarged
        ((300, 200), (300, 200), (300, 200)),
    ],
)
def test_preview_and_thumbnail_sizes(size, preview_size, thumbnail_size):
    result = derive(badfiles.good_jpeg(*size))

    assert decoded(result.preview).size == (result.width, result.height) == preview_size
    assert decoded(result.thumbnail).size == thumbnail_size


def _png(im: Image.Image, **params) -> bytes:
    return badfiles.image_bytes(im, "PNG", **params)


def _transparent(mode: str) -> bytes:
    """Left half fully transparent, right half opaque dark red (or dark grey)."""
    im = Image.new("RGBA", (1000, 800), (0, 0, 0, 0))
    im.paste((120, 0, 0, 255), (500, 0, 1000, 800))
    return _png(im.convert(mode) if mode != "P" else im.convert("P"))


def _palette_with_transparency() -> bytes:
    im = Image.new("P", (1000, 800), 0)
    im.putpalette([0, 0, 0, 120, 0, 0] + [0] * 762)
    im.paste(1, (500, 0, 1000, 800))
    return _png(im, transparency=0)


def _sixteen_bit_grey() -> bytes:
    im = Image.new("I;16", (1000, 800), 40_000)  # 40000 / 256 ≈ 156
    return _png(im)


@pytest.mark.parametrize(
    ("make", "left", "right"),
    [
        (lambda: _transparent("RGBA"), badfiles.WHITE, (120, 0, 0)),
        (lambda: _transparent("LA"), badfiles.WHITE, (36, 36, 36)),
        (_palette_with_transparency, badfiles.WHITE, (120, 0, 0)),
        (_sixteen_bit_grey, (156, 156, 156), (156, 156, 156)),
        (lambda: _png(Image.new("1", (1000, 800), 1)), badfiles.WHITE, badfiles.WHITE),
        (lambda: _png(Image.new("L", (1000, 800), 90)), (90, 90, 90), (90, 90, 90)),
        (
            lambda: badfiles.image_bytes(Image.new("CMYK", (1000, 800), (0, 255, 255, 0)), "JPEG"),
            badfiles.RED,
            badfiles.RED,
        ),
        (
            lambda: badfiles.image_bytes(
                Image.new("RGB", (1000, 800), (10, 200, 30)), "JPEG", icc_profile=b"garbage"
            ),
            (10, 200, 30),
            (10, 200, 30),
        ),
    ],
)
def test_every_mode_becomes_rgb_on_white(make, left, right):
    result = derive(make())

    assert_clean_jpeg(result.preview)
    preview = decoded(result.preview)
    assert close_to(preview.getpixel((100, 400)), left)
    assert close_to(preview.getpixel((900, 400)), right)


def test_icc_profile_is_applied_then_dropped():
    im = Image.new("RGB", (1000, 800), (200, 60, 30))
    data = badfiles.image_bytes(im, "JPEG", quality=95, icc_profile=badfiles.srgb_icc_profile())

    result = derive(data)

    assert_clean_jpeg(result.preview)
    assert close_to(decoded(result.preview).getpixel((500, 400)), (200, 60, 30))


def test_animated_png_uses_the_first_frame():
    result = derive(badfiles.animated_png(frames=3))  # first frame is black

    assert close_to(decoded(result.preview).getpixel((400, 400)), (0, 0, 0))


def test_multi_picture_jpeg_uses_the_primary_picture():
    result = derive(badfiles.multi_picture_jpeg())

    assert_clean_jpeg(result.preview)
    assert close_to(decoded(result.preview).getpixel((500, 400)), badfiles.RED)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_over_the_pixel_limit_is_never_decoded(monkeypatch):
    def load(self):
        raise AssertionError("decoded pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)

    with pytest.raises(FileRejected) as caught:
        derive(badfiles.png_header_claiming(8000, 5001))

    assert caught.value.code == "image_too_large"


# --- PDF ------------------------------------------------------------------------------------


def _all_dictionaries(reader: PdfReader):
    stack, seen = [reader.trailer], set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def test_pdf_judge_copy_has_no_author_anywhere_and_the_same_pages():
    author = badfiles.AUTHOR
    original = badfiles.pdf_with_author_metadata(author)
    assert PdfReader(io.BytesIO(original)).metadata.author == author

    copy = pdf_judge_copy(fileobj=io.BytesIO(original))

    reader = PdfReader(io.BytesIO(copy), strict=True)
    assert len(reader.pages) == 2
    assert not reader.metadata  # img2pdf always writes an information dictionary: empty
    assert reader.xmp_metadata is None
    for dictionary in _all_dictionaries(reader):
        assert not {"/Metadata", "/PieceInfo", "/Outlines", "/Author"} & set(dictionary)
    for encoded in (author.encode(), author.encode("utf-16-be"), b"Kim Minsu"):
        assert encoded not in copy
    assert author.encode("utf-16-be").hex().upper().encode() not in copy
    for key in (b"/Author", b"/Creator", b"/Producer", b"/Title", b"/Subject", b"/Keywords"):
        assert key not in copy


@pytest.mark.parametrize("pages", [1, 30])
def test_pdf_judge_copy_passes_inspection_with_the_same_page_count(pages):
    copy = pdf_judge_copy(fileobj=io.BytesIO(badfiles.pdf_with_pages(pages)))

    result = file_inspect(fileobj=io.BytesIO(copy), slot="proposal", size=len(copy))

    assert (result.pages, result.quarantine_reason) == (pages, "")
