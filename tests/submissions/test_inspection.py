"""Upload inspection (DOMAIN §3, §4, §10 "Files"): every hostile file refused with its exact
code or quarantined with its reason; good files accepted with the right facts."""

import hashlib
import io
import time
import unicodedata

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from core.errors import DomainError
from submissions.inspection import (
    MAX_PIXELS,
    SLOT_RULES,
    FileRejected,
    Inspection,
    display_filename,
    file_inspect,
    sniff_content_type,
)
from tests.submissions import badfiles

MB = 1024 * 1024


def inspect(data: bytes, slot: str, *, size: int | None = None) -> Inspection:
    return file_inspect(
        fileobj=io.BytesIO(data), slot=slot, size=len(data) if size is None else size
    )


def rejection(data: bytes, slot: str, *, size: int | None = None) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        inspect(data, slot, size=size)
    return caught.value


# --- good files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "slot", "content_type", "width", "height", "pages"),
    [
        (lambda: badfiles.good_jpeg(1200, 900), "drawing", "image/jpeg", 1200, 900, None),
        (lambda: badfiles.good_png(900, 1200), "drawing", "image/png", 900, 1200, None),
        (lambda: badfiles.good_heic(1024, 800), "drawing", "image/heic", 1024, 800, None),
        (lambda: badfiles.image_with_short_side(800), "drawing", "image/jpeg", 800, 1066, None),
        (lambda: badfiles.good_jpeg(300, 200), "supporting", "image/jpeg", 300, 200, None),
        (lambda: badfiles.good_png(300, 200), "supporting", "image/png", 300, 200, None),
        (lambda: badfiles.good_pdf(1), "supporting", "application/pdf", None, None, 1),
        (lambda: badfiles.good_pdf(3), "proposal", "application/pdf", None, None, 3),
        (lambda: badfiles.pdf_with_pages(30), "proposal", "application/pdf", None, None, 30),
        (badfiles.multi_picture_jpeg, "drawing", "image/jpeg", 1000, 800, None),
        (badfiles.mp4_minimal, "video", "video/mp4", None, None, None),
        (lambda: badfiles.mp4_minimal(b"mp42"), "video", "video/mp4", None, None, None),
        (lambda: badfiles.mp4_minimal(b"M4V "), "video", "video/mp4", None, None, None),
    ],
)
def test_good_files_are_accepted(make, slot, content_type, width, height, pages):
    data = make()

    result = inspect(data, slot)

    assert result == Inspection(
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        pages=pages,
        quarantine_reason="",
    )


def test_dimensions_are_as_displayed_after_exif_orientation():
    # stored as 1200 × 900, EXIF orientation 6 (rotate 90° clockwise to view)
    result = inspect(badfiles.jpeg_with_gps_and_orientation6(1200, 900), "drawing")

    assert (result.width, result.height) == (900, 1200)


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (badfiles.png_with_appended_html, "image/png"),
        (badfiles.jpeg_zip_polyglot, "image/jpeg"),
        (badfiles.heic_with_gps, "image/heic"),
    ],
)
def test_images_with_extra_bytes_or_metadata_are_accepted_and_hashed_whole(make, content_type):
    # Only re-encoded derivatives are ever shown, so trailing payloads are harmless (decision).
    data = make()

    result = inspect(data, "drawing")

    assert result.content_type == content_type
    assert result.sha256 == hashlib.sha256(data).hexdigest()


# --- type -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "slot", "detected"),
    [
        (badfiles.svg_with_script, "drawing", "image/svg+xml"),
        (badfiles.html_page, "supporting", "text/html"),
        (badfiles.exe_named_jpg, "drawing", "application/x-msdownload"),
        (badfiles.zip_named_pdf, "proposal", "application/zip"),
        (badfiles.gif_image, "drawing", "image/gif"),
        (badfiles.webp_image, "drawing", "image/webp"),
        (badfiles.good_heic, "supporting", "image/heic"),  # HEIC only for drawings
        (badfiles.good_jpeg, "proposal", "image/jpeg"),
        (badfiles.good_pdf, "drawing", "application/pdf"),
        (badfiles.mp4_minimal, "drawing", "video/mp4"),
        (badfiles.good_heic, "video", "image/heic"),
        (lambda: badfiles.mp4_minimal(b"qt  ", (b"qt  ",)), "video", "iso-bmff/qt"),
        (lambda: badfiles.mp4_minimal(b"avif", (b"avif", b"mif1")), "drawing", "iso-bmff/avif"),
        (lambda: b"\x00" * 100, "supporting", "application/octet-stream"),
    ],
)
def test_type_comes_from_the_bytes(make, slot, detected):
    error = rejection(make(), slot)

    assert error.code == "unsupported_type"
    assert error.detail["detected"] == detected
    assert error.detail["allowed"] == sorted(SLOT_RULES[slot].allowed)


def test_animated_png_is_refused():
    error = rejection(badfiles.animated_png(frames=3), "drawing")

    assert error.code == "unsupported_type"
    assert error.detail == {"reason": "animated", "frames": 3}


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"%PDF-1.4\n", "application/pdf"),
        (b" %PDF-1.4\n", None),  # the header must be at offset 0
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (badfiles.mp4_minimal(b"isom"), "video/mp4"),
        (badfiles.mp4_minimal(b"XYZ1", (b"XYZ1", b"isom")), "video/mp4"),  # compatible brand
        (badfiles.mp4_minimal(b"mif1", (b"mif1", b"heic")), "image/heic"),
        (badfiles.mp4_minimal(b"mif1", (b"mif1", b"avif")), None),
        (badfiles.mp4_minimal(b"M4A ", (b"M4A ", b"isom")), None),  # audio only
        (b"\x00\x00\x00\x08ftyp", None),  # box too short to hold a brand
        (b"", None),
    ],
)
def test_sniff_content_type(head, content_type):
    assert sniff_content_type(head) == content_type


# --- size -----------------------------------------------------------------------------------


class Unreadable(io.RawIOBase):
    def read(self, size=-1):
        raise AssertionError("must not read")


@pytest.mark.parametrize(
    ("slot", "limit"),
    [("proposal", 20 * MB), ("supporting", 20 * MB), ("drawing", 20 * MB), ("video", 200 * MB)],
)
def test_declared_size_over_the_limit_is_refused_before_reading(slot, limit):
    with pytest.raises(FileRejected) as caught:
        file_inspect(fileobj=Unreadable(), slot=slot, size=limit + 1)

    assert caught.value.code == "file_too_large"
    assert caught.value.detail == {"size": limit + 1, "max_bytes": limit}


def test_image_of_exactly_20_mb_is_accepted():
    data = badfiles.good_jpeg(1000, 800)
    data += b"\x00" * (20 * MB - len(data))  # padding after the end-of-image marker

    assert inspect(data, "drawing").size == 20 * MB


class ZeroVideo(io.RawIOBase):
    """An MP4 signature followed by zeros, made on the fly; records every read."""

    def __init__(self, size: int):
        self.head = badfiles.mp4_minimal()
        self.size = size
        self.position = 0
        self.reads: list[int] = []

    def read(self, size=-1):
        self.reads.append(size)
        if size is None or size < 0:
            raise AssertionError("a video must never be read whole")
        end = min(self.position + size, self.size)
        head = self.head[self.position : end]
        chunk = head + bytes(end - self.position - len(head))
        self.position = end
        return chunk


def test_video_of_exactly_200_mb_is_hashed_in_chunks():
    stream = ZeroVideo(200 * MB)
    expected = hashlib.sha256(badfiles.mp4_minimal())
    expected.update(bytes(200 * MB - len(badfiles.mp4_minimal())))

    result = file_inspect(fileobj=stream, slot="video", size=200 * MB)

    assert result.content_type == "video/mp4"
    assert result.sha256 == expected.hexdigest()
    assert max(stream.reads) <= 1 * MB


@pytest.mark.parametrize("slot", ["proposal", "supporting", "video", "drawing"])
def test_empty_file_is_corrupt(slot):
    error = rejection(badfiles.zero_bytes(), slot)

    assert error.code == "corrupt_file"
    assert error.detail["reason"] == "empty"


@pytest.mark.parametrize(
    ("make", "slot"),
    [
        (badfiles.good_jpeg, "drawing"),
        (badfiles.good_pdf, "proposal"),
        (badfiles.mp4_minimal, "video"),
        (lambda: badfiles.good_jpeg() + bytes(10_000), "supporting"),  # longer than one head
    ],
)
@pytest.mark.parametrize("delta", [-1, +1])
def test_byte_count_must_match_the_stored_size(make, slot, delta):
    data = make()

    error = rejection(data, slot, size=len(data) + delta)

    assert error.code == "corrupt_file"
    assert error.detail["reason"] == "size_mismatch"
    assert error.detail["expected"] == len(data) + delta
    # never more than one byte past the declared size is read
    assert error.detail["actual"] == min(len(data), len(data) + delta + 1)


def test_unknown_slot_is_a_programming_error():
    with pytest.raises(ValueError, match="slot"):
        inspect(badfiles.good_jpeg(), "portrait")


# --- image limits ---------------------------------------------------------------------------


def test_short_side_under_800_is_too_small_for_a_drawing():
    error = rejection(badfiles.image_with_short_side(799), "drawing")

    assert error.code == "image_too_small"
    assert error.detail == {"width": 799, "height": 1065, "min_short_side": 800}


def test_the_short_side_minimum_is_for_drawings_only():
    assert inspect(badfiles.image_with_short_side(799), "supporting").width == 799


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel data is decoded."""

    def load(self):
        raise AssertionError("decoded pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.usefixtures("no_decoding")
@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 5001), (8000, 6000), (12_000, 7_000), (65_535, 65_535)],
)
def test_too_many_pixels_is_refused_from_the_header(width, height):
    # Pillow only warns between its limit and twice it: the check must be our own.
    error = rejection(badfiles.png_header_claiming(width, height), "drawing")

    assert error.code == "image_too_large"


@pytest.mark.usefixtures("no_decoding")
def test_decompression_bomb_is_refused_without_decoding():
    data = badfiles.decompression_bomb_png()  # 20000 × 20000, ~50 KB
    assert len(data) < 200_000
    started = time.perf_counter()

    error = rejection(data, "supporting")

    assert error.code == "image_too_large"
    assert time.perf_counter() - started < 1


def test_exactly_40_megapixels_passes_the_pixel_check(monkeypatch):
    decoded = []

    def load(self):
        decoded.append(self.size)
        raise OSError("stop here: the header checks have passed")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)

    error = rejection(badfiles.png_header_claiming(8000, 5000), "drawing")

    assert MAX_PIXELS == 8000 * 5000
    assert decoded == [(8000, 5000)]
    assert error.code == "corrupt_file"


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillow_warning_raised_as_error_is_still_image_too_large():
    error = rejection(badfiles.png_header_claiming(8000, 6000), "drawing")

    assert error.code == "image_too_large"


def test_pillow_limit_switched_off_elsewhere_is_restored(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)

    error = rejection(badfiles.decompression_bomb_png(), "drawing")

    assert error.code == "image_too_large"
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_truncated_jpeg_passes_verify_but_is_corrupt():
    data = badfiles.truncated_jpeg()
    with Image.open(io.BytesIO(data)) as im:
        im.verify()  # the trap: verify() alone lets this truncated file through

    error = rejection(data, "drawing")

    assert error.code == "corrupt_file"
    assert error.detail == {"reason": "truncated"}


def test_truncated_png_is_corrupt():
    assert rejection(badfiles.truncated_png(), "drawing").code == "corrupt_file"


def test_truncated_image_is_corrupt_even_if_another_library_allowed_truncation(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    error = rejection(badfiles.truncated_jpeg(), "drawing")

    assert error.code == "corrupt_file"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # JPEG signature, then nothing sensible
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
        badfiles.mp4_minimal(b"heic", (b"mif1", b"heic")),  # HEIC signature, no image
    ],
)
def test_undecodable_image_is_corrupt(data):
    assert rejection(data, "drawing").code == "corrupt_file"


# --- PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_password", ["", "secret"])
def test_encrypted_pdf_is_invalid(user_password):
    error = rejection(badfiles.encrypted_pdf(user_password), "proposal")

    assert error.code == "invalid_pdf"
    assert error.detail == {"reason": "encrypted"}


@pytest.mark.parametrize(
    "make",
    [
        badfiles.broken_pdf,
        badfiles.pdf_with_broken_startxref,  # a lenient reader would repair it
        lambda: badfiles.good_pdf(2)[:300],
    ],
)
def test_pdf_failing_the_strict_parse_is_invalid(make):
    error = rejection(make(), "proposal")

    assert error.code == "invalid_pdf"
    assert error.detail == {"reason": "parse_error"}


@pytest.mark.parametrize("slot", ["proposal", "supporting"])
def test_pdf_over_30_pages_is_invalid(slot):
    error = rejection(badfiles.pdf_with_pages(31), slot)

    assert error.code == "invalid_pdf"
    assert error.detail == {"reason": "too_many_pages", "pages": 31, "max_pages": 30}


def test_pdf_page_count_walks_the_tree_not_the_count_entry():
    lying = badfiles.pdf_with_pages(31).replace(b"/Count 31", b"/Count 03")  # same offsets

    assert rejection(lying, "proposal").detail["pages"] == 31


def test_pdf_without_pages_is_invalid():
    assert rejection(badfiles.pdf_document(pages=0), "proposal").detail == {"reason": "no_pages"}


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: badfiles.pdf_with_javascript("names"), "javascript"),
        (lambda: badfiles.pdf_with_javascript("open_action"), "javascript"),
        (lambda: badfiles.pdf_with_javascript("page_aa"), "javascript"),
        (lambda: badfiles.pdf_with_javascript("escaped"), "javascript"),
        (badfiles.pdf_with_launch_action, "launch_action"),
        (badfiles.pdf_with_embedded_file, "embedded_files"),
        (lambda: badfiles.pdf_with_embedded_file(as_annotation=True), "embedded_files"),
        (badfiles.pdf_with_open_url, "auto_action"),
        (
            lambda: badfiles.pdf_document(
                catalog=b"/AcroForm << /Fields [] /XFA 3 0 R >>",
                extra=(badfiles.pdf_stream(b"<xdp/>"),),
            ),
            "javascript",
        ),
    ],
)
@pytest.mark.parametrize("slot", ["proposal", "supporting"])
def test_pdf_with_active_content_is_quarantined_not_refused(make, reason, slot):
    data = make()

    result = inspect(data, slot)

    assert result.quarantine_reason == reason
    assert result.pages == 1
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_the_most_serious_quarantine_reason_wins():
    data = badfiles.pdf_document(
        catalog=b"/Names << /JavaScript << /Names [(a) 3 0 R] >> "
        b"/EmbeddedFiles << /Names [(b) 4 0 R] >> >>",
        extra=(
            b"<< /S /JavaScript /JS (1) >>",
            b"<< /Type /Filespec /F (b) /EF << /F 5 0 R >> >>",
            badfiles.pdf_stream(b"x", b"/Type /EmbeddedFile"),
        ),
    )

    assert inspect(data, "proposal").quarantine_reason == "javascript"


def test_pdf_that_only_navigates_on_open_is_not_quarantined():
    assert inspect(badfiles.pdf_with_navigation_open_action(), "proposal").quarantine_reason == ""


def test_pdf_with_author_metadata_is_accepted_as_is():
    # metadata is stripped from the judges' copy (derivatives), not a reason to refuse
    result = inspect(badfiles.pdf_with_author_metadata(), "proposal")

    assert (result.pages, result.quarantine_reason) == (2, "")


# --- the error ------------------------------------------------------------------------------


def test_file_rejected_is_a_domain_error_with_a_stable_code_and_a_message():
    error = rejection(badfiles.image_with_short_side(799), "drawing")

    assert isinstance(error, DomainError)
    assert error.status == 400
    with translation.override("en"):
        assert str(error.message) == "The image must be at least 800 pixels on its shorter side."
    with translation.override("ko"):  # Korean first
        assert str(error.message) == "이미지의 짧은 변이 800픽셀 이상이어야 합니다."


def test_file_rejected_refuses_an_unknown_code():
    with pytest.raises(ValueError):
        FileRejected("too_ugly")


# --- display filenames ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("drawing.jpg", "drawing.jpg"),
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\Windows\\system32\\evil.png", "evil.png"),
        ("C:\\Users\\kim\\Desktop\\그림.heic", "그림.heic"),
        ("photo\x00.php.jpg", "photo.php.jpg"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),  # RLO would show "invoiceexe.jpg"
        ("a\u2066b\u2069c\u200e\u200fd.pdf", "abcd.pdf"),
        ("line\nbreak\ttab\r.pdf", "line break tab .pdf"),
        ("bell\x07\x1b[31mred.pdf", "bell[31mred.pdf"),
        ("  lots   of   space  .pdf  ", "lots of space .pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        (unicodedata.normalize("NFD", "제안서.pdf"), "제안서.pdf"),
        ("", "file"),
        ("   ", "file"),
        ("../", "file"),
        ("..", "file"),
        ("\x00\x01\x02", "file"),
    ],
)
def test_display_filename(name, shown):
    assert display_filename(name) == shown


def test_display_filename_caps_length_and_keeps_the_extension():
    shown = display_filename("가" * 300 + ".pdf")

    assert shown == "가" * 116 + ".pdf"
    assert len(shown) == 120


def test_display_filename_without_a_short_extension_is_cut():
    assert display_filename("x" * 300) == "x" * 120
    assert display_filename("a." + "y" * 300) == ("a." + "y" * 300)[:120]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_display_filename_is_always_safe_display_text(name):
    shown = display_filename(name)

    assert 1 <= len(shown) <= 120
    assert "/" not in shown and "\\" not in shown
    assert shown == shown.strip()
    assert shown == unicodedata.normalize("NFC", shown)
    assert not any(unicodedata.category(char) in {"Cc", "Cs"} for char in shown)
    assert not any("\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069" for char in shown)
    assert display_filename(shown) == shown
