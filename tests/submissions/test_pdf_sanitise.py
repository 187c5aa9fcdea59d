"""The judges' copy of a PDF keeps nothing of the original but what a reader sees (DOMAIN §10,
"People"): it is rebuilt from rendered pages. The catalogue of ``pdf_markers.CASES`` hides
``IDENTITY-MARKER-<place>`` in every place a PDF holds text outside the visible page; none of
it may reach the copy in any encoding, in the file or in any stream once inflated, while the
page still looks as it did."""

from __future__ import annotations

import io
import math
import re
import zlib
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject, StreamObject

from submissions import pdfsanitise
from submissions.inspection import FileRejected, file_inspect
from submissions.pdfsanitise import pdf_judge_copy, render_rungs
from tests.submissions import badfiles, pdf_markers
from tests.submissions.pdf_markers import BAR, CASES, PAGE, PREFIX, Case, marker, marker_forms
from tests.submissions.pdfbuild import one_page_document, pdf_bytes, proposal
from tests.submissions.test_derivatives import CLEAN_MARKERS, jpeg_markers

_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)


def haystacks(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Everything a determined reader of ``data`` could look through: the file's bytes, every
    stream inflated by hand, and every object as pypdf reads it (streams decoded through
    their filters, strings decoded from hex, UTF-16 and escapes)."""
    yield "file", data
    for number, raw in enumerate(_STREAM.findall(data)):
        try:
            inflated = zlib.decompressobj().decompress(raw)
        except zlib.error:
            continue  # not Flate (a JPEG, a plain content stream): already searched as is
        yield f"stream {number}, inflated", inflated
    reader = PdfReader(io.BytesIO(data))  # lenient, as a viewer reads
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112 - a free or broken entry holds nothing to find
            continue
        yield f"object {number}", str(obj).encode("utf-8", "surrogatepass")
        if isinstance(obj, StreamObject):
            yield f"object {number}, decoded", obj.get_data()
    yield "trailer", str(reader.trailer).encode("utf-8", "surrogatepass")


def found(data: bytes, text: str) -> list[str]:
    forms = marker_forms(text)
    return [where for where, hay in haystacks(data) if any(form in hay for form in forms)]


def copy_of(data: bytes) -> bytes:
    return pdf_judge_copy(fileobj=io.BytesIO(data))


def rendered(data: bytes, dpi: int = 50) -> list[Image.Image]:
    """Each page as a reader sees it (form fields included)."""
    document = pdfium.PdfDocument(data)
    document.init_forms()
    try:
        pages = []
        for page in document:
            pages.append(page.render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("L"))
            page.close()
        return pages
    finally:
        document.close()


def assert_looks_the_same(original: bytes, copy: bytes) -> None:
    """Same page count, same pictures (the visible text and bar are there, not blank)."""
    before, after = rendered(original), rendered(copy)
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert abs(new.width - old.width) <= 1 and abs(new.height - old.height) <= 1
        new = new.resize(old.size)
        assert ImageStat.Stat(ImageChops.difference(old, new)).mean[0] < 2.0
        assert ImageStat.Stat(new).extrema[0][0] < 40  # dark pixels: not a blank page


def assert_pages_of_pixels_only(copy: bytes, pages: int) -> None:
    """The copy's whole structure: a catalogue with a page tree, an empty information
    dictionary, and per page one clean JPEG and the content stream that draws it."""
    reader = PdfReader(io.BytesIO(copy), strict=True)
    assert set(reader.trailer) <= {"/Root", "/Size", "/Info"}
    assert not reader.metadata  # no producer, no dates, no title
    assert set(reader.trailer["/Root"]) == {"/Type", "/Pages"}
    assert set(reader.trailer["/Root"]["/Pages"]) == {"/Type", "/Kids", "/Count"}
    assert len(reader.pages) == pages
    for page in reader.pages:
        assert set(page) <= {"/Type", "/Parent", "/MediaBox", "/Resources", "/Contents"}
        assert set(page["/Resources"]) == {"/XObject"}
        (name, image), *others = page["/Resources"]["/XObject"].items()
        assert not others
        assert set(image) <= {
            *("/Type", "/Subtype", "/Filter", "/Width", "/Height"),
            *("/ColorSpace", "/BitsPerComponent", "/Length"),
        }
        assert image["/Filter"] == "/DCTDecode"
        jpeg = image.get_data()
        assert set(jpeg_markers(jpeg)) <= CLEAN_MARKERS  # JFIF only: no EXIF, XMP, ICC, COM
        with Image.open(io.BytesIO(jpeg)) as im:
            assert im.mode == "RGB"
            assert not im.getexif()
        drawing = page.get_contents().get_data()
        number = rb"[\d.]+"
        draw = rb"\s*q\s+%s 0 0 %s [0.]+ [0.]+ cm\s+%s Do\s+Q\s*" % (number, number, name.encode())
        assert re.fullmatch(draw, drawing)


# --- the catalogue --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.place)
def test_no_identity_marker_reaches_the_judges_copy(case: Case):
    original = case.pdf()
    assert found(original, marker(case.place)), "the fixture must carry its marker"

    inspection = file_inspect(fileobj=io.BytesIO(original), slot="proposal", size=len(original))
    copy = copy_of(original)  # quarantined files never get a copy; the sanitiser alone holds

    assert inspection.quarantine_reason == case.quarantine
    assert found(copy, PREFIX) == []
    assert_pages_of_pixels_only(copy, pages=1)
    assert_looks_the_same(original, copy)
    (page,) = rendered(copy)
    left, bottom, right, top = BAR
    centre = ((left + right) / 2 * 50 / 72, (PAGE[1] - (bottom + top) / 2) * 50 / 72)
    assert page.getpixel(centre) < 40  # the black bar is drawn where it was


def test_the_catalogue_covers_the_places_issue_13_names():
    places = {case.place for case in CASES}

    assert {f"info-{key}" for key in ("author", "title", "subject", "keywords")} <= places
    assert {"info-creator", "info-producer", "info-custom", "xmp-catalogue"} <= places
    assert {"annotation-author", "annotation-contents", "annotation-popup"} <= places
    assert {"form-t", "form-v", "form-tu", "attachment-name", "attachment-data"} <= places
    assert {"outline", "page-label", "javascript-document", "javascript-open-action"} <= places
    assert {"jpeg-exif-artist", "jpeg-exif-copyright", "jpeg-exif-description"} <= places
    assert {"jpeg-xmp", "png-text-chunk"} <= places
    assert {case.quarantine for case in CASES} == {"", "javascript", "embedded_files"}


def test_a_visible_form_value_survives_as_pixels_only():
    original = pdf_markers.form_field("/V")("Team 42")

    copy = copy_of(original)

    assert found(copy, "Team 42") == []
    assert_looks_the_same(original, copy)


def test_the_old_author_fixture_loses_everything_but_keeps_both_pages():
    author = badfiles.AUTHOR
    original = badfiles.pdf_with_author_metadata(author)

    copy = copy_of(original)

    assert found(copy, author) == []
    assert found(copy, "Kim Minsu") == []
    assert_pages_of_pixels_only(copy, pages=2)


# --- pages, sizes, resolution ---------------------------------------------------------------


def test_a_rotated_page_comes_out_as_a_reader_sees_it():
    writer, page = one_page_document()
    page[NameObject("/Rotate")] = NumberObject(90)
    original = pdf_bytes(writer)

    copy = copy_of(original)

    page = PdfReader(io.BytesIO(copy)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape, no /Rotate needed
    assert "/Rotate" not in page
    assert_looks_the_same(original, copy)


def test_pages_render_at_200_dpi_within_a_pixel_of_the_page_size():
    copy = copy_of(badfiles.good_pdf(2))

    for page in PdfReader(io.BytesIO(copy)).pages:
        image = next(iter(page["/Resources"]["/XObject"].values()))
        assert (image["/Width"], image["/Height"]) == (1653, 2339)  # 595 × 842 pt at 200 dpi
        assert abs(float(page.mediabox.width) - PAGE[0]) < 0.5
        assert abs(float(page.mediabox.height) - PAGE[1]) < 0.5


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (PAGE, [(200, 80), (200, 65), (150, 65), (150, 50), (75, 50), (37, 50), (18, 50)]),
        # A2 (1191 × 1684 pt) at 200 dpi would be 15.5 MP: capped at 10 MP (160 dpi)
        ((1191, 1684), [(160, 80), (160, 65), (150, 65), (150, 50), (75, 50), (37, 50)]),
        # 200 × 200 inches (PDF's largest page without a user unit): the pixel cap, 15 dpi
        ((14400, 14400), [(15, 80), (15, 65), (15, 50), (7, 50), (3, 50), (1, 50)]),
        # a 200-inch strip: the 8,000-pixel side cap, 40 dpi
        ((14400, 100), [(40, 80), (40, 65), (40, 50), (20, 50), (10, 50), (5, 50)]),
    ],
)
def test_the_size_ladder(size, expected):
    rungs = list(render_rungs(width=size[0], height=size[1]))

    assert rungs[: len(expected)] == expected
    assert rungs[-1] == (1, 50)
    width, height = size
    for dpi, _ in rungs:
        wide, high = math.ceil(width * dpi / 72), math.ceil(height * dpi / 72)  # as PDFium
        assert wide * high <= pdfsanitise.MAX_PAGE_PIXELS
        assert max(wide, high) <= pdfsanitise.MAX_PAGE_SIDE


def test_a_page_over_its_share_steps_down_the_ladder(monkeypatch):
    original = pdf_markers.jpeg_metadata("Artist")("a photograph")
    roomy = copy_of(original)
    monkeypatch.setattr(pdfsanitise, "PAGE_MAX_BYTES", 30_000)

    tight = copy_of(original)

    image = next(iter(PdfReader(io.BytesIO(tight)).pages[0]["/Resources"]["/XObject"].values()))
    assert len(image.get_data()) <= 30_000 < len(roomy)
    assert image["/Width"] < 1653  # a lower dpi was needed
    assert_looks_the_same(original, tight)  # still the same page at 50 dpi


def _blank_pdf(width: float, height: float) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    return pdf_bytes(writer)


def test_a_huge_page_is_rendered_within_the_pixel_cap():
    copy = copy_of(_blank_pdf(14400, 7200))

    image = next(iter(PdfReader(io.BytesIO(copy)).pages[0]["/Resources"]["/XObject"].values()))
    assert image["/Width"] * image["/Height"] <= pdfsanitise.MAX_PAGE_PIXELS
    assert max(image["/Width"], image["/Height"]) <= pdfsanitise.MAX_PAGE_SIDE


def test_a_typical_30_page_proposal_stays_within_the_budget():
    original = proposal(30)  # text on every page, a photograph on every third

    copy = copy_of(original)

    assert len(copy) <= pdfsanitise.COPY_MAX_BYTES
    share = pdfsanitise.COPY_MAX_BYTES // 30
    reader = PdfReader(io.BytesIO(copy))
    for page in reader.pages:
        image = next(iter(page["/Resources"]["/XObject"].values()))
        assert len(image.get_data()) <= share
        assert image["/Width"] == 1653  # the first rung fits: 200 dpi
    result = file_inspect(fileobj=io.BytesIO(copy), slot="proposal", size=len(copy))
    assert (result.pages, result.quarantine_reason) == (30, "")


def test_the_copy_shows_each_page_in_its_place():
    original = badfiles.pdf_with_pages(2)  # a line, moved 20 points to the right on page 2

    before, after = rendered(original, dpi=72), rendered(copy_of(original), dpi=72)

    ink = [np.asarray(page) < 160 for page in before]
    copied = [np.asarray(page.resize(before[0].size)) < 160 for page in after]
    overlap = [[(a & b).sum() / (a | b).sum() for b in copied] for a in ink]
    assert overlap[0][0] > 0.7 and overlap[1][1] > 0.7  # the same line where it was
    assert overlap[0][1] < 0.2 and overlap[1][0] < 0.2  # not the other page's


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (badfiles.broken_pdf, "unreadable"),
        (lambda: badfiles.encrypted_pdf("secret"), "unreadable"),
        (lambda: badfiles.pdf_with_pages(31), "page_count"),
        (lambda: _blank_pdf(600_000, 600_000), "page_too_large"),  # 8,333 inches a side
    ],
)
def test_what_pdfium_cannot_open_or_the_inspection_refuses_is_invalid(make, reason):
    with pytest.raises(FileRejected) as caught:
        copy_of(make())

    assert (caught.value.code, caught.value.detail["reason"]) == ("invalid_pdf", reason)
