"""One certificate page: A4 portrait, drawn with reportlab's canvas and a few platypus
paragraphs (enough for a one-page form, no document template needed).

Layout, top to bottom: a double frame in the accent colour; "제 <serial> 호" top left (the
place Korean certificates number themselves); the organizer's logo; the wide-set title (상 장 /
참가확인서) over its English name; the tier; a table of who and what; the sentence that
awards or confirms; the English contest title; the date, the organizer and the signatory;
a QR code of the verify URL beside the serial and the URL in text.

Deterministic: ``invariant=1``, the creation date is the issue date (00:00 KST) and the
document ID is reportlab's digest of the metadata (title = kind + serial), so the same data
and style give the same bytes — a re-run can be compared by hash.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from xml.sax.saxutils import escape

import segno
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from results.certificates.data import (
    CertificateData,
    CertificateKind,
    CertificateStyle,
    MissingGlyphs,
)
from results.certificates.fonts import FONT_BOLD, FONT_REGULAR, certificate_check, fonts_register

__all__ = ["certificate_render"]

WIDTH, HEIGHT = A4  # 595.3 × 841.9 pt
INK = colors.HexColor("#1d1d1f")
MUTED = colors.HexColor("#5c5c63")
RULE = colors.HexColor("#d9d9de")
MIDDLE_BOTTOM = 268  # the flowing middle part ends here, 13 pt above the date line


def _korean_date(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def _won(amount: int) -> str:
    return f"{amount:,}원"


def _styles(accent: colors.Color) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT_REGULAR, textColor=INK, fontSize=13, leading=19)
    return {
        "tier": ParagraphStyle(
            "tier", base, fontName=FONT_BOLD, fontSize=21, leading=28, alignment=TA_CENTER,
            textColor=accent,
        ),
        "label": ParagraphStyle("label", base, fontName=FONT_BOLD, textColor=MUTED, fontSize=12),
        "value": ParagraphStyle("value", base, alignment=TA_LEFT, fontSize=13.5, leading=19),
        "body": ParagraphStyle("body", base, fontSize=15.5, leading=27, alignment=TA_CENTER),
        "english": ParagraphStyle(
            "english", base, fontSize=9.5, leading=13, alignment=TA_CENTER, textColor=MUTED
        ),
    }  # fmt: skip


def _rows(data: CertificateData) -> list[tuple[str, str]]:
    rows = [
        ("부문", data.division),
        ("팀명", data.team_name),
        ("소속", data.university),
        ("학교", data.school),
        ("성명", data.recipient_name),
        ("작품명", data.entry_title),
    ]
    if data.amount_krw:
        rows.append(("부상", f"상금 {_won(data.amount_krw)}"))
    return [(label, value) for label, value in rows if value]


def _body(data: CertificateData) -> str:
    contest = f"「{escape(data.contest_title)}」"
    if data.kind is CertificateKind.PARTICIPATION:
        return f"위 사람은 {contest}에 참가하여 작품을 제출하였음을 확인합니다."
    prize = "이 상장과 부상을 수여합니다" if data.amount_krw else "이 상장을 수여합니다"
    return f"위 사람은 {contest}에서 위와 같이 우수한 성적을 거두었으므로 {prize}."


def _middle(data: CertificateData, accent: colors.Color) -> list:
    """The flowing part between the title and the date: tier, the table of who and what,
    the sentence. It is shrunk to fit (KeepInFrame) rather than ever overlapping the footer."""
    styles = _styles(accent)
    story: list = []
    if data.kind is CertificateKind.AWARD:
        story += [Paragraph(escape(data.tier_name), styles["tier"]), Spacer(1, 16)]
    table = Table(
        [
            [Paragraph(label, styles["label"]), Paragraph(escape(value), styles["value"])]
            for label, value in _rows(data)
        ],
        colWidths=(66, 290),
        hAlign="CENTER",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ]
        )
    )
    story += [table, Spacer(1, 20), Paragraph(_body(data), styles["body"])]
    if data.contest_title_en:
        story += [Spacer(1, 10), Paragraph(escape(data.contest_title_en), styles["english"])]
    return story


def _fitted(text: str, *, font: str, size: float, width: float) -> float:
    """The font size, at most ``size``, at which ``text`` fits in ``width`` on one line."""
    natural = pdfmetrics.stringWidth(text, font, size)
    return size if natural <= width else size * width / natural


def _centred(canvas: Canvas, text: str, *, y: float, font: str, size: float) -> None:
    canvas.setFont(font, _fitted(text, font=font, size=size, width=WIDTH - 120))
    canvas.drawCentredString(WIDTH / 2, y, text)


@lru_cache(maxsize=4)
def _logo_reader(logo: bytes) -> ImageReader:
    """The decoded logo, shared by every certificate of a bulk run: decoding the PNG and
    extracting its pixels and alpha once saves ~4 ms a page. Read-only once built."""
    with Image.open(io.BytesIO(logo)) as image:
        image.load()
        reader = ImageReader(image.copy())
    reader.getRGBData()  # computed and kept now, so sharing never races on the first call
    return reader


def _spaced(canvas: Canvas, text: str, *, y: float, font: str, size: float, space: float) -> None:
    """Centred text with letter-spacing (the wide-set title of a Korean certificate)."""
    width = pdfmetrics.stringWidth(text, font, size) + space * (len(text) - 1)
    canvas.saveState()  # the character spacing (Tc) would otherwise stay for all later text
    line = canvas.beginText((WIDTH - width) / 2, y)
    line.setFont(font, size)
    line.setCharSpace(space)
    line.textOut(text)
    canvas.drawText(line)
    canvas.restoreState()


def _frame(canvas: Canvas, accent: colors.Color) -> None:
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(3)
    canvas.rect(22, 22, WIDTH - 44, HEIGHT - 44)
    canvas.setLineWidth(0.8)
    canvas.rect(30, 30, WIDTH - 60, HEIGHT - 60)
    canvas.setFillColor(accent)
    for x in (30, WIDTH - 30):  # small diamonds on the inner corners
        for y in (30, HEIGHT - 30):
            path = canvas.beginPath()
            path.moveTo(x, y - 5)
            path.lineTo(x + 5, y)
            path.lineTo(x, y + 5)
            path.lineTo(x - 5, y)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)


def _qr(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """The verify URL as a QR code of vector squares (one rectangle per run of dark modules)."""
    matrix = segno.make_qr(url, error="m").matrix
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(x + start * module, top, (col - start) * module, module)
                start = None
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)


def _footer(canvas: Canvas, data: CertificateData, style: CertificateStyle) -> None:
    """Date, organizer and signatory (one line each, shrunk if long), then the QR strip."""
    canvas.setFillColor(INK)
    _centred(canvas, _korean_date(data.issued_on), y=244, font=FONT_REGULAR, size=15)
    _centred(canvas, style.organizer, y=200, font=FONT_BOLD, size=17)
    signatory = f"{style.signatory_title}  {style.signatory_name}"
    _centred(canvas, signatory, y=169, font=FONT_BOLD, size=21)

    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(46, 126, WIDTH - 46, 126)
    _qr(canvas, data.verify_url, x=50, y=46, size=70)
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 9.5)
    canvas.drawString(132, 101, "진위 확인 · Verification")
    canvas.setFont(FONT_REGULAR, 9.5)
    canvas.drawString(132, 86, f"발급번호 {data.serial}")
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT_REGULAR, _fitted(data.verify_url, font=FONT_REGULAR, size=8, width=410))
    canvas.drawString(132, 72, data.verify_url)
    canvas.setFont(FONT_REGULAR, 8)
    canvas.drawString(132, 58, "QR 코드를 스캔하거나 위 주소에서 발급 사실을 확인할 수 있습니다.")


def certificate_render(*, data: CertificateData, style: CertificateStyle) -> bytes:
    """One A4 portrait page as PDF bytes; the same data and style give the same bytes.

    Raises :class:`MissingGlyphs` if any printed text has characters the font lacks.
    """
    fonts_register()
    missing = certificate_check(data=data, style=style)
    if missing:
        raise MissingGlyphs(missing)
    accent = colors.HexColor(style.accent)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1, pageCompression=1, lang="ko-KR")
    stamp = f"D:{data.issued_on:%Y%m%d}000000+09'00'"
    canvas.setDateFormatter(lambda *_: stamp)
    canvas.setTitle(f"{data.kind.label} {data.serial}")
    canvas.setSubject(data.contest_title)
    canvas.setAuthor(style.organizer)
    canvas.setCreator("gongmo")
    canvas.setKeywords(data.serial)

    _frame(canvas, accent)
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT_REGULAR, 9.5)
    canvas.drawString(46, HEIGHT - 58, f"제 {data.serial} 호")
    top = HEIGHT - 78
    if style.logo is not None:
        canvas.drawImage(
            _logo_reader(style.logo), (WIDTH - 180) / 2, top - 54, 180, 54,
            preserveAspectRatio=True, anchor="c", mask="auto",
        )  # fmt: skip
        top -= 64
    canvas.setFillColor(INK)
    title = data.kind.label
    _spaced(canvas, title, y=top - 58, font=FONT_BOLD, size=46 if len(title) < 3 else 38,
            space=46 if len(title) < 3 else 14)  # fmt: skip
    canvas.setFillColor(accent)
    _spaced(canvas, data.kind.label_en.upper(), y=top - 86, font=FONT_REGULAR, size=10, space=3)

    # The middle part sits a third of the way down the free space (optically centred) and
    # shrinks rather than ever running into the date and signature.
    width, height = WIDTH - 120, top - 106 - MIDDLE_BOTTOM
    middle = KeepInFrame(width, height, _middle(data, accent), mode="shrink")
    _, used = middle.wrapOn(canvas, width, height)
    Frame(60, MIDDLE_BOTTOM, width, height, 0, 0, 0, 0, showBoundary=0).addFromList(
        [Spacer(1, max(0.0, (height - used) / 3)), middle], canvas
    )
    _footer(canvas, data, style)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
