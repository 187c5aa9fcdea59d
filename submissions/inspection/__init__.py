"""Inspection of uploaded files (DOMAIN §3, §4, §10 "Files"). Pure: no models, no storage.

``file_inspect`` reads one stored object once, from its current position, and either returns
an :class:`Inspection` (type, size, SHA-256, dimensions or page count, and a quarantine reason)
or raises :class:`FileRejected` with a stable ``code``:

``unsupported_type``  the bytes are not a type the slot accepts (the name and the client's
                      Content-Type are never consulted), or the image is animated;
``file_too_large``    more bytes than the slot allows;
``image_too_small``   shorter side under the slot's minimum (drawings: 800 px);
``image_too_large``   more than 40 megapixels (decided from the header, before decoding);
``corrupt_file``      empty, truncated or undecodable, or not the declared number of bytes;
``invalid_pdf``       a PDF that fails pypdf's strict parse, is encrypted, has no pages or
                      more than 30.

Decisions where the specification leaves room:

* An empty file is ``corrupt_file`` with ``detail["reason"] == "empty"`` (the code set is
  closed; the reason tells the two apart).
* The byte count read must equal ``size`` (the stored object's size from HEAD); at most
  ``size + 1`` bytes are read, so a larger object cannot make us read without bound.
* Types are sniffed from magic numbers: ``%PDF-`` at offset 0 (junk before the header is not
  accepted), the PNG signature, ``FF D8 FF`` for JPEG, and an ISO-BMFF ``ftyp`` box at offset 4
  whose brands say HEIC (heic, heix, heim, heis, hevc, hevx, …) or MP4 (isom, iso2…iso9, mp41,
  mp42, avc1, M4V, dash, …). QuickTime (``qt``), AVIF, 3GP-only and audio-only brands are not
  MP4 video. Video is never decoded, only sniffed and hashed in 1 MiB chunks.
* The 40-megapixel cap applies to every image (drawings and supporting images alike; 40 MP is
  40,000,000 pixels); the 800 px minimum only to drawings (a supporting diagram may be small).
  Pillow's own guard is lowered to the same limit at import (never raised), so it errors from
  80 MP, before any decoding; our check refuses everything above 40 MP first (between 40 and
  80 MP Pillow also emits a ``DecompressionBombWarning``; the file is refused either way, and
  with warnings turned into errors the result is the same ``image_too_large``).
  ``ImageFile.LOAD_TRUNCATED_IMAGES`` is forced back to ``False`` on every call, because it is a
  process-wide switch another library could flip.
* Animated PNG (APNG with more than one frame) is refused: ``unsupported_type`` with
  ``detail["reason"] == "animated"``. A multi-picture JPEG (MPO: camera previews, depth maps)
  and a HEIC with several images are accepted and only the primary image is used.
* Reported width/height are as displayed: EXIF orientations 5–8 swap them (HEIC is already
  upright when pillow-heif opens it). Images with trailing bytes (PNG+HTML, JPEG+ZIP) are
  accepted: only re-encoded derivatives are ever shown to anyone but the owner.
* The 30-page limit and the strict parse apply to every PDF, including supporting files.
  The page count comes from walking the page tree, not from its ``/Count``.
* A PDF is quarantined (stored, never shown to judges) rather than refused when its reachable
  object graph contains: JavaScript anywhere (``/JS``, a ``/JavaScript`` name tree or action,
  ``/XFA`` forms, which can script) → ``"javascript"``; a ``/Launch`` action →
  ``"launch_action"``; embedded files (``/EmbeddedFiles``, ``/EF``, ``/EmbeddedFile`` streams,
  ``/FileAttachment`` annotations, ``/GoToE``) → ``"embedded_files"``; an automatic action
  (``/OpenAction`` or ``/AA``) that does more than navigate inside the document, e.g. opens a
  URL or submits a form, which could tell an entrant who is reading → ``"auto_action"``. When
  several apply, the first in that order is reported. Names are compared after pypdf decodes
  ``#xx`` escapes, so ``/J#53`` is ``/JS``. Known limit: even in strict mode pypdf repairs an
  xref entry that points at the wrong offset by searching for ``N G obj``; a file that defines
  an object twice could then be read differently by pypdf and by a viewer. Judges only ever get
  the copy from ``pdfsanitise.pdf_judge_copy``: pixels of the pages as PDFium rendered them,
  so whatever such a file hides elsewhere cannot reach them, whichever reading is right.
"""

from submissions.inspection.names import MAX_FILENAME_CHARS, display_filename
from submissions.inspection.reading import file_inspect, sniff_content_type
from submissions.inspection.rules import (
    HEIC,
    JPEG,
    MAX_IMAGE_BYTES,
    MAX_PDF_PAGES,
    MAX_PIXELS,
    MAX_VIDEO_BYTES,
    MB,
    MIN_DRAWING_SHORT_SIDE,
    MP4,
    PDF,
    PNG,
    SLOT_RULES,
    SLOTS_BY_TRACK,
    FileRejected,
    Inspection,
    RejectionCode,
    SlotRule,
    pillow_guard,
)

__all__ = [
    "HEIC",
    "JPEG",
    "MAX_FILENAME_CHARS",
    "MAX_IMAGE_BYTES",
    "MAX_PDF_PAGES",
    "MAX_PIXELS",
    "MAX_VIDEO_BYTES",
    "MB",
    "MIN_DRAWING_SHORT_SIDE",
    "MP4",
    "PDF",
    "PNG",
    "SLOTS_BY_TRACK",
    "SLOT_RULES",
    "FileRejected",
    "Inspection",
    "RejectionCode",
    "SlotRule",
    "display_filename",
    "file_inspect",
    "pillow_guard",
    "sniff_content_type",
]
