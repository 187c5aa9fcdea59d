"""PDFs: the strict parse, the page count from the page tree, and what quarantines one."""

from __future__ import annotations

import io
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from submissions.inspection.rules import MAX_PDF_CONTAINERS, FileRejected, RejectionCode, SlotRule
from submissions.pdfwalk import PdfTooComplex, pdf_containers

_QUARANTINE_ORDER = ("javascript", "launch_action", "embedded_files", "auto_action")
_NAVIGATION_ACTIONS = frozenset({"/GoTo", "/Named"})


def _invalid_pdf(reason: str, message: Any = None, **detail: Any) -> FileRejected:
    return FileRejected(RejectionCode.INVALID_PDF, message, detail={"reason": reason, **detail})


def pdf_inspect(data: bytes, rule: SlotRule) -> tuple[int, str]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        encrypted = reader.is_encrypted
    except Exception as exc:  # untrusted input: pypdf raises many kinds on malformed files
        raise _invalid_pdf("parse_error") from exc
    if encrypted:
        raise _invalid_pdf(
            "encrypted",
            _("The PDF is encrypted or password-protected. Please upload it without protection."),
        )
    try:
        pages = len(reader.pages)
        findings = _pdf_active_content(reader)
    except PdfTooComplex as exc:
        raise _invalid_pdf("too_complex") from exc
    except Exception as exc:  # untrusted input
        raise _invalid_pdf("parse_error") from exc
    if pages < 1:
        raise _invalid_pdf("no_pages", _("The PDF has no pages."))
    if pages > rule.max_pages:
        raise _invalid_pdf(
            "too_many_pages",
            format_lazy(
                _("The PDF has {pages} pages; at most {limit} are allowed."),
                pages=pages,
                limit=rule.max_pages,
            ),
            pages=pages,
            max_pages=rule.max_pages,
        )
    reason = next((r for r in _QUARANTINE_ORDER if r in findings), "")
    return pages, reason


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _pdf_active_content(reader: PdfReader) -> set[str]:
    """Walk every dictionary and array reachable from the trailer; return what was found."""
    findings: set[str] = set()
    for obj in pdf_containers(reader.trailer, limit=MAX_PDF_CONTAINERS):
        if isinstance(obj, DictionaryObject):  # includes streams; their data is not decoded
            _pdf_dict_check(obj, findings)
    return findings


def _pdf_dict_check(d: DictionaryObject, findings: set[str]) -> None:
    keys = set(dict.keys(d))
    action = _resolve(dict.get(d, "/S"))
    kind = _resolve(dict.get(d, "/Type"))
    subtype = _resolve(dict.get(d, "/Subtype"))
    if "/JS" in keys or "/JavaScript" in keys or "/XFA" in keys or action == "/JavaScript":
        findings.add("javascript")
    if action == "/Launch":
        findings.add("launch_action")
    if (
        "/EmbeddedFiles" in keys
        or "/EF" in keys
        or kind == "/EmbeddedFile"
        or subtype == "/FileAttachment"
        or action == "/GoToE"
    ):
        findings.add("embedded_files")
    automatic: list[Any] = []
    open_action = _resolve(dict.get(d, "/OpenAction"))
    if isinstance(open_action, DictionaryObject):  # an array is a plain destination
        automatic.append(open_action)
    additional = _resolve(dict.get(d, "/AA"))
    if isinstance(additional, DictionaryObject):
        automatic.extend(dict.values(additional))
    if any(not _only_navigation(a) for a in automatic):
        findings.add("auto_action")


def _only_navigation(action: Any) -> bool:
    """True if an action and its /Next chain only move within the document."""
    pending, seen = [action], 0
    while pending:
        current = _resolve(pending.pop())
        seen += 1
        if seen > 1000 or not isinstance(current, DictionaryObject):
            return False
        if _resolve(dict.get(current, "/S")) not in _NAVIGATION_ACTIONS:
            return False
        following = _resolve(dict.get(current, "/Next"))
        if isinstance(following, ArrayObject):
            pending.extend(list.__iter__(following))
        elif following is not None:
            pending.append(following)
    return True
