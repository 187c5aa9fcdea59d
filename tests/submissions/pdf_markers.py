"""PDFs that hide an identity marker where a reader never sees it: the catalogue of
``tests/submissions/test_pdf_sanitise.py`` (DOMAIN §10, "People").

Every case is a one-page A4 PDF that shows ``VISIBLE_TEXT`` and a black bar (what a judge
should see) and carries ``marker(place)`` — ``IDENTITY-MARKER-<place>`` — in exactly one place
outside the visible page: the information dictionary, XMP, annotations, form fields,
attachments, bookmarks, page labels, scripts, an embedded JPEG's EXIF/XMP, a PNG's text chunk,
alternate text, invisible or hidden content, font names, the file identifier… Built with pypdf
(``pdfbuild``: what real tools write, streams Flate-compressed, so finding a marker needs
inflating). ``quarantine`` is the reason the inspection gives (``""``: the file goes to
judges, through the sanitiser).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.annotations import Popup, Text
from pypdf.constants import PageLabelStyle
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, TextStringObject

from tests.submissions.pdfbuild import (
    BAR,
    PAGE,
    VISIBLE_TEXT,
    add_object,
    image_xobject,
    jpeg_bytes,
    one_page_document,
    pdf,
    pdf_bytes,
    sample_picture,
    show_image,
    stream_object,
    type1_font,
    xmp_packet,
    xmp_stream,
)

__all__ = ["BAR", "CASES", "PAGE", "PREFIX", "VISIBLE_TEXT", "Case", "marker", "marker_forms"]

PREFIX = "IDENTITY-MARKER-"


def marker(place: str) -> str:
    return PREFIX + place


def marker_forms(text: str) -> list[bytes]:
    """The byte forms a PDF can store ``text`` in: UTF-8 (ASCII as is), UTF-16 (big- and
    little-endian: the PDF text string, an XMP alternative) and hexadecimal strings of those
    (upper and lower case)."""
    encodings = [text.encode("utf-8"), text.encode("utf-16-be"), text.encode("utf-16-le")]
    hexes = [form.hex().encode() for form in encodings]
    return encodings + hexes + [form.upper() for form in hexes]


# --- the places ----------------------------------------------------------------------------


def info_entry(key: str) -> Callable[[str], bytes]:
    """The document information dictionary: a standard key or a custom one."""

    def build(text: str) -> bytes:
        writer, _ = one_page_document()
        writer.add_metadata({key: text})
        return pdf_bytes(writer)

    return build


def xmp_catalogue(text: str) -> bytes:
    writer, _ = one_page_document()
    writer.root_object[NameObject("/Metadata")] = xmp_stream(writer, text)
    return pdf_bytes(writer)


def xmp_page(text: str) -> bytes:
    writer, page = one_page_document()
    page[NameObject("/Metadata")] = xmp_stream(writer, text)
    return pdf_bytes(writer)


def annotation(field: str) -> Callable[[str], bytes]:
    """A sticky note (a Text annotation) with a pop-up; ``field`` of the note, or the pop-up's
    /Contents (``"popup"``), holds the marker."""

    def build(text: str) -> bytes:
        writer, _ = one_page_document()
        note = Text(rect=(400, 760, 420, 780), text="Looks good", open=False)
        note[NameObject("/T")] = TextStringObject("Reviewer")
        if field != "popup":
            note[NameObject(field)] = TextStringObject(text)
        note_ref = writer.add_annotation(0, note).indirect_reference
        popup = Popup(rect=(420, 700, 560, 780), parent=note_ref, open=False)
        popup[NameObject("/Contents")] = TextStringObject(text if field == "popup" else "Note")
        note_ref.get_object()[NameObject("/Popup")] = writer.add_annotation(
            0, popup
        ).indirect_reference
        return pdf_bytes(writer)

    return build


def link_uri(text: str) -> bytes:
    """An invisible link to a personal page (a click, not an automatic action)."""
    writer, page = one_page_document()
    link = {
        "/Type": "/Annot",
        "/Subtype": "/Link",
        "/Rect": [72, 700, 300, 750],
        "/Border": [0, 0, 0],
        "/A": {"/S": "/URI", "/URI": f"https://example.org/{text}"},
    }
    page[NameObject("/Annots")] = pdf([add_object(writer, link)])
    return pdf_bytes(writer)


def form_field(key: str) -> Callable[[str], bytes]:
    """An AcroForm text field (its widget on the page); ``key`` (/T name, /V value, /TU
    tooltip, /DV default, /TM export name) holds the marker."""

    def build(text: str) -> bytes:
        writer, page = one_page_document()
        values = {"/T": "team", "/V": "42", "/TU": "Team number", "/DV": "0", "/TM": "team"}
        field = add_object(
            writer,
            {
                **{"/Type": "/Annot", "/Subtype": "/Widget", "/FT": "/Tx", "/F": 4},
                **{"/Rect": [72, 500, 300, 520], "/DA": "/Helv 10 Tf 0 g"},
                **{"/P": page.indirect_reference, **values, key: text},
            },
        )
        page[NameObject("/Annots")] = pdf([field])
        writer.root_object[NameObject("/AcroForm")] = pdf(
            {
                "/Fields": [field],
                "/NeedAppearances": True,
                "/DA": "/Helv 10 Tf 0 g",
                "/DR": {"/Font": {"/Helv": type1_font(writer, "/Helvetica")}},
            }
        )
        return pdf_bytes(writer)

    return build


def attachment(part: str) -> Callable[[str], bytes]:
    """An embedded file (the /EmbeddedFiles name tree): the marker is its name or its bytes."""

    def build(text: str) -> bytes:
        writer, _ = one_page_document()
        if part == "name":
            writer.add_attachment(f"{text}.txt", b"team roster")
        else:
            writer.add_attachment("roster.txt", f"leader: {text}".encode())
        return pdf_bytes(writer)

    return build


def attachment_annotation(text: str) -> bytes:
    """A /FileAttachment annotation whose file holds the marker."""
    writer, page = one_page_document()
    embedded = stream_object(writer, f"leader: {text}".encode(), Type="/EmbeddedFile")
    spec = add_object(writer, {"/Type": "/Filespec", "/F": "roster.txt", "/EF": {"/F": embedded}})
    annot = {"/Type": "/Annot", "/Subtype": "/FileAttachment", "/Rect": [500, 760, 520, 780]}
    page[NameObject("/Annots")] = pdf([add_object(writer, {**annot, "/FS": spec})])
    return pdf_bytes(writer)


def outline(text: str) -> bytes:
    writer, _ = one_page_document()
    writer.add_outline_item(title=text, page_number=0)
    return pdf_bytes(writer)


def page_label(text: str) -> bytes:
    writer, _ = one_page_document()
    writer.set_page_label(0, 0, style=PageLabelStyle.DECIMAL, prefix=text)
    return pdf_bytes(writer)


def named_destination(text: str) -> bytes:
    writer, _ = one_page_document()
    writer.add_named_destination(title=text, page_number=0)
    return pdf_bytes(writer)


def _javascript(writer: PdfWriter, text: str) -> IndirectObject:
    return add_object(writer, {"/S": "/JavaScript", "/JS": f"app.alert('{text}');"})


def javascript_document(text: str) -> bytes:
    """Document-level JavaScript (the /JavaScript name tree, run when the file opens)."""
    writer, _ = one_page_document()
    names = {"/JavaScript": {"/Names": ["init", _javascript(writer, text)]}}
    writer.root_object[NameObject("/Names")] = pdf(names)
    return pdf_bytes(writer)


def javascript_open_action(text: str) -> bytes:
    writer, _ = one_page_document()
    writer.root_object[NameObject("/OpenAction")] = _javascript(writer, text)
    return pdf_bytes(writer)


def jpeg_metadata(where: str) -> Callable[[str], bytes]:
    """A photograph on the page whose JPEG carries the marker in an EXIF tag (Artist,
    Copyright, ImageDescription) or its XMP packet — embedded byte for byte."""

    def build(text: str) -> bytes:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Gongmo Camera"
        params = {"xmp": xmp_packet(text)} if where == "xmp" else {}
        if where != "xmp":
            exif[getattr(ExifTags.Base, where)] = text
        picture = sample_picture()
        writer, page = one_page_document()
        show_image(
            writer,
            page,
            image_xobject(writer, jpeg_bytes(picture, exif=exif, **params), picture.size),
        )
        return pdf_bytes(writer)

    return build


def image_xmp(text: str) -> bytes:
    """XMP attached to an image XObject (a /Metadata stream on the image)."""
    picture = sample_picture()
    writer, page = one_page_document()
    image = image_xobject(
        writer, jpeg_bytes(picture), picture.size, Metadata=xmp_stream(writer, text)
    )
    show_image(writer, page, image)
    return pdf_bytes(writer)


def _piece_info(private: Any) -> DictionaryObject:
    return pdf({"/GongmoEditor": {"/LastModified": "D:20210501", "/Private": private}})


def png_text_chunk(text: str) -> bytes:
    """A PNG whose tEXt chunk names the author. PDF writers embed a PNG's pixels (Flate), not
    its chunks; an editor's private data (/PieceInfo) keeps the file itself — both are here."""
    picture = sample_picture()
    info = PngInfo()
    info.add_text("Author", text)
    png = io.BytesIO()
    picture.save(png, "PNG", pnginfo=info)
    writer, page = one_page_document()
    show_image(writer, page, image_xobject(writer, picture.tobytes(), picture.size, jpeg=False))
    page[NameObject("/PieceInfo")] = _piece_info(stream_object(writer, png.getvalue()))
    return pdf_bytes(writer)


def piece_info(text: str) -> bytes:
    """An editor's private data on the page (/PieceInfo)."""
    writer, page = one_page_document()
    page[NameObject("/PieceInfo")] = _piece_info(text)
    return pdf_bytes(writer)


def invisible_text(text: str) -> bytes:
    """Text in rendering mode 3 (neither filled nor stroked: an OCR layer's trick)."""
    writer, _ = one_page_document(
        content=b"BT /F1 12 Tf 3 Tr 72 300 Td (%s) Tj ET\n" % text.encode()
    )
    return pdf_bytes(writer)


def outside_crop_box(text: str) -> bytes:
    """Text drawn beyond the page's visible area."""
    content = b"BT /F1 12 Tf 2000 300 Td (%s) Tj ET\n" % text.encode()
    writer, _ = one_page_document(content=content)
    return pdf_bytes(writer)


def hidden_layer(text: str) -> bytes:
    """Text in an optional-content group that is off by default."""
    content = b"/OC /oc1 BDC BT /F1 12 Tf 72 300 Td (%s) Tj ET EMC\n" % text.encode()
    writer, page = one_page_document(content=content)
    group = add_object(writer, {"/Type": "/OCG", "/Name": "notes"})
    page["/Resources"][NameObject("/Properties")] = pdf({"/oc1": group})
    layers = {"/OCGs": [group], "/D": {"/OFF": [group]}}
    writer.root_object[NameObject("/OCProperties")] = pdf(layers)
    return pdf_bytes(writer)


def actual_text(text: str) -> bytes:
    """Marked content whose /ActualText and /Alt replace what is drawn (for screen readers)."""
    content = b"/Span << /ActualText (%s) /Alt (%s) >> BDC 0 0 1 rg 72 400 20 20 re f EMC\n"
    writer, _ = one_page_document(content=content % (text.encode(), text.encode()))
    return pdf_bytes(writer)


def structure_alt(text: str) -> bytes:
    """A tagged PDF's structure tree: a figure element's alternate description and title."""
    writer, page = one_page_document()
    element = {"/Type": "/StructElem", "/S": "/Figure", "/Alt": text, "/T": text}
    element_ref = add_object(writer, {**element, "/Pg": page.indirect_reference})
    tree = {"/Type": "/StructTreeRoot", "/K": [element_ref]}
    writer.root_object[NameObject("/StructTreeRoot")] = pdf(tree)
    writer.root_object[NameObject("/MarkInfo")] = pdf({"/Marked": True})
    return pdf_bytes(writer)


def font_name(text: str) -> bytes:
    """The visible text's font is called after the author (a font made for the team)."""
    writer, _ = one_page_document(font="/" + text)
    return pdf_bytes(writer)


def file_identifier(text: str) -> bytes:
    """The trailer's /ID (normally a hash) chosen by the writer."""
    writer, _ = one_page_document()
    writer._ID = pdf([text.encode(), text.encode()])
    return pdf_bytes(writer)


def uri_base(text: str) -> bytes:
    """The catalogue's base URI for relative links (a personal site), viewer preferences."""
    writer, _ = one_page_document()
    writer.root_object[NameObject("/URI")] = pdf({"/Base": f"https://example.org/{text}/"})
    writer.root_object[NameObject("/ViewerPreferences")] = pdf({"/DisplayDocTitle": True})
    return pdf_bytes(writer)


def thumbnail(text: str) -> bytes:
    """A page thumbnail (/Thumb) whose JPEG carries the marker in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = text
    picture = sample_picture((60, 85))
    writer, page = one_page_document()
    page[NameObject("/Thumb")] = image_xobject(writer, jpeg_bytes(picture, exif=exif), picture.size)
    return pdf_bytes(writer)


@dataclass(frozen=True)
class Case:
    place: str
    build: Callable[[str], bytes]
    quarantine: str = ""  # what the inspection says about the file

    def pdf(self) -> bytes:
        return self.build(marker(self.place))


_INFO_KEYS = ("/Author", "/Title", "/Subject", "/Keywords", "/Creator", "/Producer")
_ANNOTATION_FIELDS = {"author": "/T", "contents": "/Contents", "subject": "/Subj"}
_ANNOTATION_FIELDS |= {"name": "/NM", "rich-text": "/RC", "popup": "popup"}
_EXIF_TAGS = {"artist": "Artist", "copyright": "Copyright", "description": "ImageDescription"}

CASES: tuple[Case, ...] = (
    *(Case(f"info-{key[1:].lower()}", info_entry(key)) for key in _INFO_KEYS),
    Case("info-custom", info_entry("/GongmoTeam")),
    Case("xmp-catalogue", xmp_catalogue),
    Case("xmp-page", xmp_page),
    *(Case(f"annotation-{n}", annotation(f)) for n, f in _ANNOTATION_FIELDS.items()),
    Case("link-uri", link_uri),
    *(Case(f"form-{k[1:].lower()}", form_field(k)) for k in ("/T", "/V", "/TU", "/DV", "/TM")),
    Case("attachment-name", attachment("name"), "embedded_files"),
    Case("attachment-data", attachment("data"), "embedded_files"),
    Case("attachment-annotation", attachment_annotation, "embedded_files"),
    Case("outline", outline),
    Case("page-label", page_label),
    Case("named-destination", named_destination),
    Case("javascript-document", javascript_document, "javascript"),
    Case("javascript-open-action", javascript_open_action, "javascript"),
    *(Case(f"jpeg-exif-{n}", jpeg_metadata(tag)) for n, tag in _EXIF_TAGS.items()),
    Case("jpeg-xmp", jpeg_metadata("xmp")),
    Case("image-xmp", image_xmp),
    Case("png-text-chunk", png_text_chunk),
    Case("piece-info", piece_info),
    Case("invisible-text", invisible_text),
    Case("outside-crop-box", outside_crop_box),
    Case("hidden-layer", hidden_layer),
    Case("actual-text", actual_text),
    Case("structure-alt", structure_alt),
    Case("font-name", font_name),
    Case("file-identifier", file_identifier),
    Case("uri-base", uri_base),
    Case("thumbnail", thumbnail),
)
