"""Entrants' text, cleaned in one place (DOMAIN §3, §10; issue 13, items 5 and 14). Pure.

* ``text_clean`` is what every text an entrant types goes through in the services (titles,
  descriptions, team and member fields, the child's fields, file names): Unicode NFC, and
  nothing that hides or reorders text survives — bidi controls (a right-to-left override
  makes "gpj.exe" read "exe.jpg"), zero-width and other invisible format characters, Hangul
  fillers, control characters (newlines stay in multi-line text).
* ``child_identity_key`` is what "the same child" means for one drawing per child: the name
  cleaned, then NFKC (compatibility forms such as full-width letters fold), every kind of
  whitespace removed and case folded, plus the birth date. "김민수", "김 민수", "김\u200b민수"
  and the NFD spelling of 김민수 are one child.
"""

import unicodedata
from datetime import date

# Invisible characters outside the "Cf" (format) category: Hangul fillers, the combining
# grapheme joiner, Khmer inherent vowels, Mongolian and other variation selectors.
_INVISIBLE = frozenset(
    "\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u180b\u180c\u180d\u180f"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
_LINE_BREAKS = frozenset("\n\u2028\u2029\x85\x0b\x0c")
IDENTITY_KEY_LENGTH = 255


def _invisible(char: str) -> bool:
    category = unicodedata.category(char)
    return (
        category in ("Cf", "Cs")
        or char in _INVISIBLE
        or 0xE0100 <= ord(char) <= 0xE01EF  # variation selectors supplement
    )


def text_clean(value: str | None, *, multiline: bool = False) -> str:
    """Display text as typed, minus what hides or reorders it: NFC; format characters (bidi
    controls, zero-width spaces and joiners, BOM, soft hyphen), Hangul fillers and control
    characters removed; in multi-line text line breaks become "\\n" and other whitespace a
    space, elsewhere every whitespace run becomes one space; surrounding whitespace stripped."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for char in text:
        if multiline and char in _LINE_BREAKS:
            out.append("\n")
        elif char.isspace() or char == "\t":
            out.append(" ")
        elif _invisible(char) or unicodedata.category(char) == "Cc":
            continue
        else:
            out.append(char)
    text = unicodedata.normalize("NFC", "".join(out))
    if multiline:
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return " ".join(text.split())


def identity_text(value: str | None) -> str:
    """A name as compared, not shown: cleaned, NFKC, case folded, no whitespace at all."""
    text = unicodedata.normalize("NFKC", text_clean(value).casefold())
    return "".join(c for c in text if not c.isspace() and not _invisible(c) and c not in _INVISIBLE)


def child_identity_key(name: str, birth_date: date) -> str:
    """One child, however the name was typed: ``identity_text(name)|YYYY-MM-DD``."""
    suffix = f"|{birth_date.isoformat()}"
    return identity_text(name)[: IDENTITY_KEY_LENGTH - len(suffix)] + suffix
