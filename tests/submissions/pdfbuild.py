"""Small builders of PDFs with pypdf, for the sanitiser's tests (``pdf_markers`` and
``test_pdf_sanitise.py``): plain Python values to pypdf objects, one-page documents that show
``VISIBLE_TEXT`` and a black bar, images embedded as PDF writers embed them, and a typical
30-page proposal for the size budget and the timing. ``writer._add_object`` adds objects pypdf
has no public call for.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

VISIBLE_TEXT = "Smart mobility for Sejong"
PAGE = (595, 842)  # A4 in points
BAR = (72, 600, 523, 640)  # the black bar every document draws: left, bottom, right, top
_IMAGE = b"q 200 0 0 150 72 300 cm /Im1 Do Q\n"  # draws /Im1 at 72, 300 (200 × 150 pt)
_VISIBLE = b"BT /F1 28 Tf 72 720 Td (%s) Tj ET 0 g 72 600 451 40 re f\n" % VISIBLE_TEXT.encode()


def pdf(value: Any) -> PdfObject:
    """A pypdf object from plain Python: "/Name" → name, other str → text string, bytes →
    byte string, bool, int, float, list → array, dict (keys "/Key") → dictionary."""
    if isinstance(value, PdfObject):
        return value
    if isinstance(value, bool):
        return BooleanObject(value)
    if isinstance(value, int):
        return NumberObject(value)
    if isinstance(value, float):
        return FloatObject(value)
    if isinstance(value, str):
        return NameObject(value) if value.startswith("/") else TextStringObject(value)
    if isinstance(value, bytes):
        return ByteStringObject(value)
    if isinstance(value, list | tuple):
        return ArrayObject([pdf(item) for item in value])
    if isinstance(value, dict):
        return DictionaryObject({NameObject(key): pdf(item) for key, item in value.items()})
    raise TypeError(value)


def add_object(writer: PdfWriter, value: Any) -> IndirectObject:
    return writer._add_object(pdf(value))


def stream_object(
    writer: PdfWriter, data: bytes, *, compress: bool = True, **keys
) -> IndirectObject:
    """A stream object holding ``data``, Flate-compressed unless told otherwise."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream = stream.flate_encode() if compress else stream
    stream.update({NameObject("/" + key): pdf(value) for key, value in keys.items()})
    return writer._add_object(stream)


def type1_font(writer: PdfWriter, name: str) -> IndirectObject:
    return add_object(writer, {"/Type": "/Font", "/Subtype": "/Type1", "/BaseFont": name})


def one_page_document(*, content: bytes = b"", font: str = "/Helvetica") -> tuple[PdfWriter, Any]:
    """A writer with one A4 page that shows the visible text and bar, then ``content``."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=PAGE[0], height=PAGE[1])
    page[NameObject("/Resources")] = pdf({"/Font": {"/F1": type1_font(writer, font)}})
    page[NameObject("/Contents")] = stream_object(writer, _VISIBLE + content)
    return writer, page


def append_content(writer: PdfWriter, page: Any, content: bytes) -> None:
    old = page.raw_get("/Contents")  # the reference: a stream must not be inlined
    page[NameObject("/Contents")] = ArrayObject([old, stream_object(writer, content)])


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xmp_packet(text: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about="">'
        f"<dc:creator><rdf:Seq><rdf:li>{text}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def xmp_stream(writer: PdfWriter, text: str) -> IndirectObject:
    return stream_object(writer, xmp_packet(text), Type="/Metadata", Subtype="/XML")


def sample_picture(size: tuple[int, int] = (400, 300)) -> Image.Image:
    im = Image.new("RGB", size, (30, 90, 160))
    draw = ImageDraw.Draw(im)
    draw.rectangle((40, 40, 200, 160), fill=(230, 180, 20))
    draw.ellipse((220, 120, 360, 260), fill=(200, 30, 40))
    return im


def jpeg_bytes(picture: Image.Image, **params) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def image_xobject(
    writer: PdfWriter, data: bytes, size: tuple[int, int], *, jpeg: bool = True, **keys
) -> IndirectObject:
    """An RGB image XObject: ``data`` is a JPEG embedded byte for byte (as PDF writers embed
    JPEGs: EXIF and XMP segments included), or raw pixels, Flate-compressed."""
    keys.update(Type="/XObject", Subtype="/Image", Width=size[0], Height=size[1])
    keys.update(ColorSpace="/DeviceRGB", BitsPerComponent=8)
    if jpeg:
        return stream_object(writer, data, compress=False, Filter="/DCTDecode", **keys)
    return stream_object(writer, data, **keys)


def show_image(writer: PdfWriter, page: Any, image: IndirectObject) -> None:
    page["/Resources"][NameObject("/XObject")] = pdf({"/Im1": image})
    append_content(writer, page, _IMAGE)


# --- a typical proposal (the size budget and the timing) ------------------------------------

_TEXT = (
    "autonomous shuttle pilot on the Sejong BRT corridor with smart signals, demand forecasts, "
    "open data and a citizen panel measuring travel time, safety and cost per passenger"
)
_WORDS = _TEXT.split()


def _photograph(seed: int, size: tuple[int, int] = (1600, 1000)) -> bytes:
    """A photograph-like JPEG: a gradient, shapes and sensor noise (compresses like a photo)."""
    width, height = size
    ramp = Image.linear_gradient("L").resize(size)
    im = Image.merge(
        "RGB", (ramp, ramp.point(lambda v: 255 - v), ramp.point(lambda v: 128 + v // 2))
    )
    draw = ImageDraw.Draw(im)
    for n in range(12):
        x, y = (seed * 97 + n * 131) % width, (seed * 53 + n * 71) % height
        draw.ellipse((x, y, x + 220, y + 160), fill=((n * 40) % 256, (seed * 30) % 256, 90))
    noise = Image.effect_noise(size, 40).convert("RGB")
    out = io.BytesIO()
    Image.blend(im, noise, 0.25).save(out, "JPEG", quality=85)
    return out.getvalue()


@lru_cache(maxsize=2)
def proposal(pages: int = 30) -> bytes:
    """A proposal as teams write them: each page a heading and 10-point text; every third page
    a photograph (1600 × 1000 px) under 20 lines, the others 45 lines and a coloured diagram."""
    writer = PdfWriter()
    for number in range(pages):
        page = writer.add_blank_page(width=PAGE[0], height=PAGE[1])
        photo = number % 3 == 0
        lines = [b"BT /F1 18 Tf 72 780 Td (%d. Smart mobility for Sejong) Tj ET" % (number + 1)]
        for line in range(20 if photo else 45):
            words = " ".join(_WORDS[(line * 7 + number + k) % len(_WORDS)] for k in range(12))
            lines.append(b"BT /F1 10 Tf 72 %d Td (%s) Tj ET" % (750 - line * 12, words.encode()))
        for box in range(0 if photo else 4):  # a diagram: boxes joined by lines
            x = 80 + box * 115
            lines.append(b"%.2f 0.4 0.7 rg %d 130 90 50 re f 0 g" % (box / 4, x))
            lines.append(b"%d 155 m %d 155 l S" % (x + 90, x + 115))
        page[NameObject("/Resources")] = pdf({"/Font": {"/F1": type1_font(writer, "/Times-Roman")}})
        if photo:
            page["/Resources"][NameObject("/XObject")] = pdf(
                {"/Im1": image_xobject(writer, _photograph(number), (1600, 1000))}
            )
            lines.append(b"q 451 0 0 282 72 130 cm /Im1 Do Q")
        page[NameObject("/Contents")] = stream_object(writer, b"\n".join(lines))
    return pdf_bytes(writer)
