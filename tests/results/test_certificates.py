"""Certificate PDFs (DOMAIN §8): text, fonts, QR code, determinism, bulk ZIP, logo, serials.

The renderer is a pure engine, so these tests need no database. Text is read back with pypdf;
the page is rasterised with poppler's pdftoppm when it is installed (the QR code is then decoded
from the pixels with zxing-cpp, and the pages are written to test-artifacts/screenshots/).
"""

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from results.certificates import (
    CertificateData,
    CertificateError,
    CertificateKind,
    CertificateStyle,
    MissingGlyphs,
    certificate_check,
    certificate_filename,
    certificate_render,
    certificates_zip_write,
    glyphs_missing,
    serial_generate,
    serial_is_valid,
    serial_normalize,
)
from results.certificates.data import LOGO_MAX_PIXELS
from results.certificates.fonts import FONT_DIR
from results.certificates.serials import ALPHABET

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SERIAL = "WSCE21-C-7KQ2-M9XH-4T0"  # a valid serial (check symbol 0)
URL = f"https://gongmo.example.kr/verify/{SERIAL}"


def logo_png(size=(600, 200)) -> bytes:
    """A stand-in organizer logo: a navy roundel and a skyline on a transparent background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    height = size[1]
    draw.ellipse((10, 10, height - 10, height - 10), fill=(31, 58, 95, 255))
    for i, tower in enumerate((0.55, 0.8, 0.4, 0.95, 0.65, 0.5, 0.75)):
        left = height + 20 + i * 55
        draw.rectangle((left, height * (1 - tower), left + 40, height - 10), fill=(31, 58, 95))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


STYLE = CertificateStyle(
    organizer="2021 월드 스마트시티 엑스포 조직위원회",
    signatory_name="홍길동",
    signatory_title="조직위원장",
)

AWARD_S = CertificateData(
    serial=SERIAL,
    kind=CertificateKind.AWARD,
    contest_title="2021 월드 스마트시티 엑스포 대학생 스마트시티 경진대회",
    contest_title_en="2021 World Smart City Expo — University Smart City Challenge",
    recipient_name="남궁민수",
    team_name="세종 스마트모빌리티랩",
    university="한국과학기술원",
    entry_title="자율주행 셔틀과 수요응답형 교통을 결합한 세종 5-1 생활권 실증 제안",
    tier_name="대상 (국토교통부 장관상)",
    amount_krw=50_000_000,
    issued_on=date(2021, 10, 15),
    verify_url=URL,
)

HONOURABLE_D = CertificateData(
    serial="WSCE21-C-3EB9-QGKH-JVP",
    kind=CertificateKind.AWARD,
    contest_title="2021 월드 스마트시티 엑스포 어린이 그림 그리기 대회",
    recipient_name="이서윤",
    division="초등 저학년",
    school="세종 새롬초등학교",
    entry_title="하늘을 나는 버스가 다니는 우리 동네",
    tier_name="입선",
    amount_krw=0,
    issued_on=date(2021, 10, 15),
    verify_url="https://gongmo.example.kr/verify/WSCE21-C-3EB9-QGKH-JVP",
)

PARTICIPATION_D = replace(
    HONOURABLE_D, kind=CertificateKind.PARTICIPATION, tier_name="", recipient_name="김하늘"
)


def page_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def compact(text: str) -> str:
    """Without whitespace: paragraphs wrap lines wherever the width ends."""
    return re.sub(r"\s+", "", text)


def rasterise(pdf: bytes, tmp_path: Path, name: str, dpi: int = 150) -> Image.Image:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 — fixed arguments, our own file
        [PDFTOPPM, "-r", str(dpi), "-png", "-singlefile", str(source), str(tmp_path / name)],
        check=True,
        timeout=60,
    )
    return Image.open(tmp_path / f"{name}.png")


PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed"
)


# --- what the page says ------------------------------------------------------------------------


def test_award_prints_every_field_exactly():
    text = compact(page_text(certificate_render(data=AWARD_S, style=STYLE)))
    for expected in (
        "상장",
        "대상(국토교통부장관상)",
        "남궁민수",
        "세종스마트모빌리티랩",
        "한국과학기술원",
        "자율주행셔틀과수요응답형교통을결합한세종5-1생활권실증제안",
        "상금50,000,000원",
        "「2021월드스마트시티엑스포대학생스마트시티경진대회」에서",
        "이상장과부상을수여합니다.",
        "2021WorldSmartCityExpo—UniversitySmartCityChallenge",
        "2021년10월15일",
        "2021월드스마트시티엑스포조직위원회",
        "조직위원장홍길동",
        f"제{SERIAL}호",
        f"발급번호{SERIAL}",
        URL,
    ):
        assert expected in text, expected


def test_amount_line_keeps_its_spacing():
    assert "상금 50,000,000원" in page_text(certificate_render(data=AWARD_S, style=STYLE))


def test_certificate_only_tier_has_no_amount():
    text = compact(page_text(certificate_render(data=HONOURABLE_D, style=STYLE)))
    assert "입선" in text
    assert "이상장을수여합니다." in text
    assert "상금" not in text
    assert "부상" not in text
    assert "초등저학년" in text and "세종새롬초등학교" in text


def test_participation_confirms_without_tier_or_amount():
    text = compact(page_text(certificate_render(data=PARTICIPATION_D, style=STYLE)))
    assert "참가확인서" in text
    assert "김하늘" in text
    assert "「2021월드스마트시티엑스포어린이그림그리기대회」에참가하여" in text
    assert "작품을제출하였음을확인합니다." in text
    assert "입선" not in text and "상금" not in text and "수여" not in text


def test_fields_left_empty_are_left_off():
    text = page_text(certificate_render(data=AWARD_S, style=STYLE))
    assert "학교" not in text and "부문" not in text  # Track D rows on a Track S certificate


def test_markup_in_names_is_printed_literally():
    data = replace(AWARD_S, team_name="<b>팀 & 동료</b>", entry_title="A < B > C")
    text = page_text(certificate_render(data=data, style=STYLE))
    assert "<b>팀 & 동료</b>" in text
    assert "A < B > C" in text


def test_long_texts_shrink_onto_one_page():
    data = replace(
        AWARD_S,
        entry_title="스마트시티 " * 40,
        team_name="아주 긴 팀 이름 " * 8,
        contest_title="2021 월드 스마트시티 엑스포 " * 5,
    )
    style = replace(STYLE, organizer="세종특별자치시 " * 8, signatory_title="위원장 " * 6)
    text = compact(page_text(certificate_render(data=data, style=style)))
    assert "스마트시티" * 40 in text
    assert "세종특별자치시" * 8 in text


def test_decomposed_hangul_is_composed_before_printing():
    nfd = unicodedata.normalize("NFD", "남궁민수")
    assert nfd != "남궁민수"
    data = replace(AWARD_S, recipient_name=nfd)
    assert data.recipient_name == "남궁민수"
    assert "남궁민수" in page_text(certificate_render(data=data, style=STYLE))


# --- the font ----------------------------------------------------------------------------------


def test_every_printed_character_is_in_the_font():
    for data in (AWARD_S, HONOURABLE_D, PARTICIPATION_D):
        assert certificate_check(data=data, style=STYLE) == {}
    every_syllable = "".join(chr(code) for code in range(0xAC00, 0xD7A4))
    assert glyphs_missing(text=every_syllable) == ""  # all 11,172 modern Hangul syllables


def test_the_pdf_embeds_subsets_of_the_shipped_font():
    reader = PdfReader(io.BytesIO(certificate_render(data=AWARD_S, style=STYLE)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None:
            assert "/FontFile2" in descriptor.get_object()  # TrueType program inside the PDF
            embedded.append(str(font["/BaseFont"]))
    assert any("NanumMyeongjo" in name for name in embedded)
    assert any("NanumMyeongjoBold" in name for name in embedded)
    assert (FONT_DIR / "OFL.txt").is_file()  # the licence travels with the font files


@pytest.mark.parametrize(
    ("field", "value", "missing"),
    [
        ("entry_title", "未來都市 우리 동네", "未來都市"),
        ("entry_title", "우리 동네 🌳", "🌳"),
        ("recipient_name", "김민수\u200b", "\u200b"),
    ],
)
def test_text_the_font_cannot_print_is_refused(field, value, missing):
    data = replace(AWARD_S, **{field: value})
    assert certificate_check(data=data, style=STYLE) == {field: missing}
    with pytest.raises(MissingGlyphs) as error:
        certificate_render(data=data, style=STYLE)
    assert error.value.missing == {field: missing}


def test_style_text_is_checked_too():
    style = replace(STYLE, signatory_name="洪吉童")
    assert certificate_check(data=AWARD_S, style=style) == {"signatory_name": "洪吉童"}


# --- the QR code -------------------------------------------------------------------------------


@needs_pdftoppm
def test_qr_code_on_the_page_decodes_to_the_verify_url(tmp_path):
    for name, data in (
        ("certificate-award", AWARD_S),
        ("certificate-participation", PARTICIPATION_D),
    ):
        pdf = certificate_render(data=data, style=replace(STYLE, logo=logo_png()))
        page = rasterise(pdf, tmp_path, name)
        assert page.width in (1240, 1241) and page.height == 1754  # A4 at 150 dpi, portrait
        codes = zxingcpp.read_barcodes(page)
        assert [(code.format, code.text) for code in codes] == [
            (zxingcpp.BarcodeFormat.QRCode, data.verify_url)
        ]
        SHOTS.mkdir(parents=True, exist_ok=True)
        rasterise(pdf, tmp_path, name, dpi=100).save(SHOTS / f"{name}.png")


def test_qr_matrix_round_trips_the_url():
    """What the page draws is segno's matrix: the same matrix, as pixels, decodes."""
    matrix = segno.make_qr(URL, error="m").matrix
    scale, border = 8, 4
    side = (len(matrix) + 2 * border) * scale
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                x, y = (col + border) * scale, (row + border) * scale
                draw.rectangle((x, y, x + scale - 1, y + scale - 1), fill=0)
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [URL]


# --- determinism, metadata ----------------------------------------------------------------------


def test_same_data_same_bytes():
    assert certificate_render(data=AWARD_S, style=STYLE) == certificate_render(
        data=AWARD_S, style=STYLE
    )
    other = replace(AWARD_S, serial="WSCE21-C-0000-0000-000")
    assert certificate_render(data=other, style=STYLE) != certificate_render(
        data=AWARD_S, style=STYLE
    )


def test_metadata_dates_from_the_issue_date():
    reader = PdfReader(io.BytesIO(certificate_render(data=AWARD_S, style=STYLE)))
    info = reader.metadata
    assert info.title == f"상장 {SERIAL}"
    assert info.author == "2021 월드 스마트시티 엑스포 조직위원회"
    assert info["/CreationDate"] == "D:20211015000000+09'00'"
    assert reader.trailer["/Root"]["/Lang"] == "ko-KR"


# --- logo and colour ---------------------------------------------------------------------------


def test_logo_is_embedded_only_when_given():
    without = PdfReader(io.BytesIO(certificate_render(data=AWARD_S, style=STYLE)))
    assert len(without.pages[0].images) == 0
    style = replace(STYLE, logo=logo_png(), accent="#7a1f2b")
    pdf = certificate_render(data=AWARD_S, style=style)
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1
    assert images[0].image.size == (600, 200)
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert b".478431 .121569 .168627 RG" in content  # the frame in the accent colour


def test_jpeg_logo_is_accepted():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(buffer, "JPEG")
    style = replace(STYLE, logo=buffer.getvalue())
    assert style.logo == buffer.getvalue()  # small enough: kept as given
    assert len(PdfReader(io.BytesIO(certificate_render(data=AWARD_S, style=style))).pages[0].images)


def test_big_logo_is_scaled_down_once():
    style = replace(STYLE, logo=logo_png((3000, 1000)))
    with Image.open(io.BytesIO(style.logo)) as image:
        assert image.size == (810, 270)  # 3:1 kept, inside the box
        assert image.width <= LOGO_MAX_PIXELS[0] and image.height <= LOGO_MAX_PIXELS[1]
        assert image.mode == "RGBA"  # transparency kept


@pytest.mark.parametrize("logo", [b"GIF89a\x01\x00", b"\x89PNG\r\n\x1a\nbroken", b""])
def test_unreadable_logo_is_refused(logo):
    with pytest.raises(CertificateError):
        replace(STYLE, logo=logo)


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"recipient_name": "  "},
        {"serial": ""},
        {"serial": "WSCE21/C/1"},
        {"contest_title": ""},
        {"tier_name": ""},  # an award needs its tier
        {"kind": CertificateKind.PARTICIPATION},  # … and a participation has none
        {"amount_krw": -1},
        {"amount_krw": True},
        {"amount_krw": 1.5},
        {"issued_on": datetime(2021, 10, 15, 9, 0)},
        {"verify_url": "gongmo.example.kr/verify/x"},
        {"verify_url": "javascript:alert(1)"},
        {"kind": "diploma"},
    ],
)
def test_bad_data_is_refused(changes):
    with pytest.raises(CertificateError):
        replace(AWARD_S, **changes)


@pytest.mark.parametrize(
    "changes",
    [{"organizer": ""}, {"signatory_name": " "}, {"accent": "navy"}, {"accent": "#12345"}],
)
def test_bad_style_is_refused(changes):
    with pytest.raises(CertificateError):
        replace(STYLE, **changes)


def test_kind_labels():
    assert CertificateKind("award").label == "상장"
    assert CertificateKind.PARTICIPATION.label == "참가확인서"


# --- bulk --------------------------------------------------------------------------------------


class WriteOnly(io.RawIOBase):
    """A non-seekable sink, like an HTTP response or a pipe to object storage."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        return len(data)


def many(n: int) -> list[CertificateData]:
    return [
        replace(PARTICIPATION_D, serial=f"WSCE21-C-TEST-{i:04d}", verify_url=f"{URL}{i}")
        for i in range(n)
    ] + [AWARD_S]


def test_zip_holds_one_pdf_per_certificate_with_expected_names():
    sink = WriteOnly()
    count = certificates_zip_write(certificates=iter(many(4)), style=STYLE, out=sink)
    assert count == 5
    with zipfile.ZipFile(io.BytesIO(bytes(sink.buffer))) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [
            "participation-WSCE21-C-TEST-0000.pdf",
            "participation-WSCE21-C-TEST-0001.pdf",
            "participation-WSCE21-C-TEST-0002.pdf",
            "participation-WSCE21-C-TEST-0003.pdf",
            f"award-{SERIAL}.pdf",
        ]
        award = archive.read(f"award-{SERIAL}.pdf")
    assert award == certificate_render(data=AWARD_S, style=STYLE)
    assert certificate_filename(data=AWARD_S) == f"award-{SERIAL}.pdf"


def test_zip_is_deterministic():
    first, second = io.BytesIO(), io.BytesIO()
    certificates_zip_write(certificates=many(2), style=STYLE, out=first)
    certificates_zip_write(certificates=many(2), style=STYLE, out=second)
    assert first.getvalue() == second.getvalue()


def test_zip_refuses_two_certificates_with_one_name():
    with pytest.raises(CertificateError, match="both be named"):
        certificates_zip_write(certificates=[AWARD_S, AWARD_S], style=STYLE, out=io.BytesIO())


# --- serials -----------------------------------------------------------------------------------


def test_serial_format_and_randomness():
    symbol = "[0-9A-HJKMNP-TV-Z]"  # Crockford base32: no I, L, O, U
    serials = {serial_generate() for _ in range(2_000)}
    assert len(serials) == 2_000
    for serial in serials:
        assert re.fullmatch(rf"WSCE21-C-{symbol}{{4}}-{symbol}{{4}}-{symbol}{{3}}", serial)
        assert serial_is_valid(text=serial)
    assert serial_is_valid(text=SERIAL)


def test_serial_input_is_forgiving_but_canonical():
    assert serial_normalize(text="wsce21-c 7kq2 m9xh 4to") == SERIAL
    assert serial_normalize(text=" WSCE21C7KQ2M9XH4T0 ") == SERIAL
    assert serial_normalize(text=SERIAL.replace("0", "O")) == SERIAL  # O is read as 0
    zero = "WSCE21-C-0000-0000-000"
    assert serial_normalize(text="wsce21-c-OOOO-oooo-OOO") == zero  # O is read as 0
    assert not serial_is_valid(text=zero.lower())  # valid input, but not the printed form


@pytest.mark.parametrize(
    "text",
    [
        "WSCE21-C-7KQ2-M9XH-4T",  # too short
        "WSCE21-C-7KQ2-M9XH-4T0E",  # too long
        "WSCE22-C-7KQ2-M9XH-4T0",  # another prefix
        "WSCE21-C-7KQ2-M9XH-4TU",  # U is not a symbol
        "",
    ],
)
def test_serial_that_is_not_one(text):
    assert serial_normalize(text=text) is None


def test_check_symbol_catches_every_single_typo_and_neighbour_swap():
    code = SERIAL.removeprefix("WSCE21-C-").replace("-", "")
    for position, original in enumerate(code):
        for symbol in ALPHABET:
            if symbol != original:
                typo = code[:position] + symbol + code[position + 1 :]
                assert serial_normalize(text=f"WSCE21-C-{typo}") is None, typo
    for position in range(len(code) - 1):
        left, right = code[position], code[position + 1]
        if left != right:
            swapped = code[:position] + right + left + code[position + 2 :]
            assert serial_normalize(text=f"WSCE21-C-{swapped}") is None, swapped


def test_serial_prefix_is_checked():
    assert serial_generate(prefix="EXPO22-P").startswith("EXPO22-P-")
    with pytest.raises(ValueError, match="prefix"):
        serial_generate(prefix="wsce 21")
