"""Generators of good and hostile upload files, made in memory (no binary fixtures committed).

Every function returns the file's bytes; a name such as ``exe_named_jpg`` says what the
attacker would call the file — inspection never sees names, which is the point. Expensive ones
are cached (bytes are immutable). All of them run in milliseconds except HEIC encoding (x265),
which takes about a tenth of a second per image.

PDFs are built either with pypdf (what real tools write) or with :func:`pdf_build`, a tiny
hand-written PDF writer, for structures pypdf would not write on request (a JavaScript name
tree, a launch action, ``#xx``-escaped names, page-level XMP).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

from PIL import ExifTags, Image, ImageCms, ImageDraw
from pypdf import PdfWriter

import submissions.inspection  # noqa: F401  (registers the HEIF opener)

RED = (255, 0, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)
MARKER = 100  # side of the red square drawn at the top-left of test photos
GPS_LATITUDE = (37.0, 33.0, 59.0)  # Seoul, for the record
SCRIPT = b"<script>alert(document.cookie)</script>"
AUTHOR = "김민수 Kim Minsu, Seoul National University"


# --- images ---------------------------------------------------------------------------------


def image_bytes(im: Image.Image, fmt: str, **params) -> bytes:
    """Encode ``im`` as ``fmt`` (JPEG, PNG, HEIF, …)."""
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def _picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A white picture with a red MARKER square at the top-left and a blue bar at the bottom."""
    im = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, MARKER - 1, MARKER - 1), fill=RED)
    draw.rectangle((0, height - 20, width - 1, height - 1), fill=BLUE)
    return im.convert(mode)


def good_jpeg(width: int = 1200, height: int = 900) -> bytes:
    return image_bytes(_picture(width, height), "JPEG", quality=90)


def good_png(width: int = 1200, height: int = 900) -> bytes:
    return image_bytes(_picture(width, height), "PNG")


@lru_cache
def good_heic(width: int = 1024, height: int = 800) -> bytes:
    """HEIC through pillow-heif's x265 encoder (present in the pillow-heif wheels)."""
    return image_bytes(_picture(width, height), "HEIF", quality=60)


def image_with_short_side(px: int) -> bytes:
    """A JPEG whose shorter side is ``px`` (portrait, 4:3)."""
    return good_jpeg(px, px * 4 // 3)


def multi_picture_jpeg(width: int = 1000, height: int = 800) -> bytes:
    """An MPO (what many cameras write: a JPEG whose extra pictures are previews or depth):
    a red primary picture followed by a blue second one."""
    first, second = (Image.new("RGB", (width, height), colour) for colour in (RED, BLUE))
    return image_bytes(first, "MPO", save_all=True, append_images=[second])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, idat: bytes, *, bit_depth: int = 8, colour_type: int = 2):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_header_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for ``width`` × ``height`` RGB with a body of a few bytes."""
    return _png(width, height, zlib.compress(b"\x00" * 16))


@lru_cache
def decompression_bomb_png(side: int = 20_000) -> bytes:
    """A real ``side`` × ``side`` single-colour PNG (400 MP at the default): ~50 KB on disk,
    hundreds of megabytes once decoded. 1-bit greyscale keeps building it fast."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return _png(side, side, idat, bit_depth=1, colour_type=0)


def truncated_jpeg() -> bytes:
    """A noisy JPEG (so the entropy-coded data is long) cut off in the middle of the scan."""
    noise = Image.merge("RGB", [Image.effect_noise((1000, 800), 60 + 20 * i) for i in range(3)])
    data = image_bytes(noise, "JPEG", quality=90)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    """A noisy PNG cut off in the middle of its IDAT data."""
    noise = Image.merge("RGB", [Image.effect_noise((1000, 800), 60 + 20 * i) for i in range(3)])
    data = image_bytes(noise, "PNG")
    return data[: len(data) // 2]


def png_with_appended_html() -> bytes:
    """A valid PNG followed by an HTML page with a script (a PNG/HTML polyglot)."""
    return good_png(1000, 800) + b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"


def jpeg_zip_polyglot() -> bytes:
    """A valid JPEG with a ZIP archive appended (readable both as an image and as a ZIP)."""
    return good_jpeg(1000, 800) + zip_named_pdf()


def animated_png(frames: int = 3) -> bytes:
    """An APNG of ``frames`` 800 × 800 frames of different colours."""
    images = [Image.new("RGB", (800, 800), (40 * i % 256, 0, 0)) for i in range(frames)]
    return image_bytes(images[0], "PNG", save_all=True, append_images=images[1:], duration=100)


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Gongmo Phone"
    exif[ExifTags.Base.Artist] = AUTHOR
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 58.0, 40.0)
    return exif


def srgb_icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_gps_and_orientation6(width: int = 1200, height: int = 900) -> bytes:
    """A landscape pixel grid (``width`` × ``height``) that a viewer shows rotated 90° clockwise
    (EXIF Orientation 6), so it displays as ``height`` × ``width``; the red marker stored at the
    top-left therefore shows at the top-right. Carries GPS, Artist, an ICC profile, XMP and a
    JPEG comment — all of which a derivative must drop."""
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>'
    return image_bytes(
        _picture(width, height),
        "JPEG",
        quality=90,
        exif=_exif_with_gps(orientation=6).tobytes(),
        icc_profile=srgb_icc_profile(),
        xmp=xmp.encode(),
        comment=AUTHOR.encode(),
    )


@lru_cache
def heic_with_gps(width: int = 1024, height: int = 800) -> bytes:
    return image_bytes(_picture(width, height), "HEIF", quality=60, exif=_exif_with_gps().tobytes())


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="800" '
        b'height="800"><rect width="800" height="800" fill="red"/>' + SCRIPT + b"</svg>\n"
    )


def exe_named_jpg() -> bytes:
    """The start of a Windows executable (MZ header, DOS stub), as ``photo.jpg``."""
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + stub


def zero_bytes() -> bytes:
    return b""


def gif_image() -> bytes:
    return image_bytes(Image.new("RGB", (1000, 1000), RED), "GIF")


def webp_image() -> bytes:
    return image_bytes(Image.new("RGB", (1000, 1000), RED), "WEBP")


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><body>" + SCRIPT + b"</body></html>\n"


# --- video ----------------------------------------------------------------------------------


def mp4_minimal(major_brand: bytes = b"isom", compatible: tuple[bytes, ...] = ()) -> bytes:
    """An ``ftyp`` box (the ISO-BMFF signature) and a tiny ``mdat`` box; nothing decodable."""
    compatible = compatible or (major_brand, b"iso2", b"avc1", b"mp41")
    ftyp_body = major_brand + struct.pack(">I", 0x200) + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(ftyp_body)) + b"ftyp" + ftyp_body
    payload = b"\x00\x00\x00\x01" * 8
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


# --- PDFs -----------------------------------------------------------------------------------


def pdf_build(
    objects: list[bytes], *, root: int = 1, info: int | None = None, version: bytes = b"1.7"
) -> bytes:
    """A classic PDF (xref table, no object streams) holding ``objects`` as objects 1…n."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def pdf_stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def pdf_text(text: str) -> bytes:
    """A PDF text string in UTF-16BE with a byte-order mark (any script survives)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def pdf_document(
    *,
    pages: int = 1,
    catalog: bytes = b"",
    page: bytes = b"",
    extra: tuple[bytes, ...] = (),
    info: bytes | None = None,
) -> bytes:
    """Catalog (1), page tree (2), ``extra`` objects (3…), optional info dictionary, then the
    pages, each with a small content stream; ``catalog`` and ``page`` are spliced into those
    dictionaries, so they can refer to the extra objects by number."""
    first_page = 3 + len(extra) + (info is not None)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(pages)), pages),
        *extra,
    ]
    if info is not None:
        objects.append(info)
    for i in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> "
            b"/Contents %d 0 R %s >>" % (first_page + 2 * i + 1, page)
        )
        objects.append(pdf_stream(b"%d 0 m 300 400 l S" % (20 * i)))
    return pdf_build(objects, info=3 + len(extra) if info is not None else None)


def good_pdf(pages: int = 1) -> bytes:
    """A PDF as pypdf writes it."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_pages(n: int) -> bytes:
    return pdf_document(pages=n)


_JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def pdf_with_javascript(where: str = "names") -> bytes:
    """JavaScript in the document name tree (runs on open), or as the /OpenAction, or in a
    page's additional actions (/AA), or behind a link with ``#xx``-escaped names."""
    if where == "names":
        return pdf_document(
            catalog=b"/Names << /JavaScript << /Names [(init) 3 0 R] >> >>", extra=(_JS_ACTION,)
        )
    if where == "open_action":
        return pdf_document(catalog=b"/OpenAction 3 0 R", extra=(_JS_ACTION,))
    if where == "page_aa":
        return pdf_document(page=b"/AA << /O 3 0 R >>", extra=(_JS_ACTION,))
    if where == "escaped":
        link = b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A 3 0 R >>]"
        return pdf_document(page=link, extra=(b"<< /S /Java#53cript /J#53 (app.alert(1)) >>",))
    raise ValueError(where)


def pdf_with_launch_action() -> bytes:
    """A link that launches a program."""
    link = (
        b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] "
        b"/A << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >> >>]"
    )
    return pdf_document(page=link)


def pdf_with_embedded_file(*, as_annotation: bool = False) -> bytes:
    """A file embedded through the /EmbeddedFiles name tree, or a /FileAttachment annotation."""
    extra = (
        b"<< /Type /Filespec /F (payload.exe) /EF << /F 4 0 R >> >>",
        pdf_stream(b"MZ not really", b"/Type /EmbeddedFile"),
    )
    if as_annotation:
        annot = b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 3 0 R >>]"
        return pdf_document(page=annot, extra=extra)
    return pdf_document(
        catalog=b"/Names << /EmbeddedFiles << /Names [(payload.exe) 3 0 R] >> >>", extra=extra
    )


def pdf_with_open_url() -> bytes:
    """Opens a web address as soon as the document is opened (would tell who is reading)."""
    return pdf_document(catalog=b"/OpenAction << /S /URI /URI (https://tracker.invalid/o) >>")


def pdf_with_navigation_open_action() -> bytes:
    """The common, harmless /OpenAction: show page 1 fitted (as an array and as GoTo)."""
    return pdf_document(
        pages=2,
        catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Named /N /FirstPage >> >>",
    )


def encrypted_pdf(user_password: str = "") -> bytes:
    """RC4-128 encrypted (pypdf's own code, no crypto library needed); with an empty user
    password any viewer opens it without asking, but it is still encrypted."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_author_metadata(author: str = AUTHOR) -> bytes:
    """Two pages with ``author`` in the document information dictionary (every standard key),
    in catalogue-level and page-level XMP, in a page's /PieceInfo and in a bookmark title."""
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about="">'
        f"<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()
    text = pdf_text(author)
    info = b"<< %s >>" % b" ".join(
        b"/%s %s" % (key, text)
        for key in (b"Author", b"Creator", b"Producer", b"Title", b"Subject", b"Keywords")
    )
    extra = (
        pdf_stream(xmp, b"/Type /Metadata /Subtype /XML"),  # 3
        b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",  # 4
        b"<< /Title %s /Parent 4 0 R /Dest [7 0 R /Fit] >>" % text,  # 5; 6 is info, 7 page 1
    )
    return pdf_document(
        pages=2,
        catalog=b"/Metadata 3 0 R /Outlines 4 0 R",
        page=b"/Metadata 3 0 R /PieceInfo << /Editor << /Private %s >> >>" % text,
        extra=extra,
        info=info,
    )


def broken_pdf() -> bytes:
    """Starts like a PDF and then is not one."""
    return b"%PDF-1.7\nthis is not a PDF at all\n%%EOF\n"


def pdf_with_broken_startxref() -> bytes:
    """A PDF whose ``startxref`` points 7 bytes past the cross-reference table: a lenient reader
    repairs it, a strict parse refuses it."""
    data = pdf_document()
    head, _, tail = data.rpartition(b"startxref\n")
    offset, _, rest = tail.partition(b"\n")
    return head + b"startxref\n%d\n" % (int(offset) + 7) + rest


def zip_named_pdf() -> bytes:
    """A ZIP archive (holding a real PDF) that the uploader calls ``proposal.pdf``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("proposal.pdf", pdf_with_pages(1))
    return out.getvalue()
