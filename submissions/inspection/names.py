"""Filenames as display text only."""

from __future__ import annotations

from submissions.text import text_clean

MAX_FILENAME_CHARS = 120
_MAX_EXTENSION_CHARS = 16


def display_filename(name: str) -> str:
    """The user's filename as display text only: never a path, never a storage key.

    NFC-normalised; everything up to the last ``/`` or ``\\`` dropped; control characters
    (NUL included), lone surrogates, bidi controls and zero-width spaces removed; whitespace runs
    become one space; at most 120 characters, shortening the stem so a short extension
    (≤ 16 characters) survives; empty, "." or ".." → "file".
    """
    text = text_clean(name)  # the one cleaning of entrants' text (NFC, nothing invisible)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split())
    if len(text) > MAX_FILENAME_CHARS:
        stem, dot, extension = text.rpartition(".")
        if stem and dot and 0 < len(extension) <= _MAX_EXTENSION_CHARS:
            keep = MAX_FILENAME_CHARS - len(extension) - 1
            text = f"{stem[:keep].rstrip()}.{extension}"
        else:
            text = text[:MAX_FILENAME_CHARS].rstrip()
    if not text.strip("."):
        return "file"
    return text
