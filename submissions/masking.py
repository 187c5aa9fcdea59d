"""Masking of published names (DOMAIN §8). Pure: no Django.

Korean names (only Hangul syllables, possibly with spaces) keep the surname and the last
syllable of the given name; everything else in the given name becomes ``*``:
김민수 → 김*수, 남궁민수 → 남궁*수, 김수 → 김*, 이서윤아 → 이**아.
Other names keep the first character of each word: Emma Kim → E*** K**.

The promise is that a published name is never the full name. Choices where the specification
leaves room:

* Input is cleaned first: invisible format/control characters (zero-width space, BOM, …) are
  dropped, the text is NFC-normalised (so decomposed Hangul jamo, e.g. from macOS, becomes
  syllables), surrounding whitespace is stripped and inner runs of whitespace become one space.
  Empty or blank input gives ``""``.
* Compound surnames (남궁, 황보, 제갈, 선우, 독고, 사공, 서문 by default) count as one surname only
  when the name is longer than two syllables: a two-syllable name is surname + one-syllable
  given name, so 남궁 → 남* (and 선우 → 선*). 남궁민 → 남궁*.
* A space in a Hangul name may mark the surname: "선 우진" is surname 선 (→ 선*진), "선우 진" is
  surname 선우 (→ 선우*). The space is only honoured when the part before it is one syllable or
  a known compound surname; otherwise spaces are ignored ("김민 수" is read as 김민수 → 김*수),
  so a stray space never reveals more. The Korean output has no spaces.
* A one-syllable Hangul name (김) becomes ``*``: revealing it would reveal the whole name.
* Anything that is not purely Hangul — Latin, other scripts, mixed scripts such as "Kim 민수",
  or Hangul with digits/punctuation — uses the word rule: each space-separated word keeps its
  first character and stars the rest (one star per character); a one-character word becomes
  ``*`` (so "J K" → "* *", never the initials unchanged). Hyphens and apostrophes inside a word
  are starred like letters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

__all__ = ["COMPOUND_SURNAMES", "MASK", "hangul_name_split", "mask_name"]

MASK = "*"
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"}
)

_HANGUL_FIRST, _HANGUL_LAST = "\uac00", "\ud7a3"  # 가 … 힣, precomposed syllables


def _normalise(name: str) -> str:
    visible = "".join(
        char for char in name if char.isspace() or unicodedata.category(char) not in {"Cc", "Cf"}
    )
    return " ".join(unicodedata.normalize("NFC", visible).split())


def _is_hangul(text: str) -> bool:
    return all(_HANGUL_FIRST <= char <= _HANGUL_LAST for char in text)


def hangul_name_split(
    name: str, *, compound_surnames: Collection[str] = COMPOUND_SURNAMES
) -> tuple[str, str]:
    """Split a normalised, all-Hangul name (spaces allowed) into (surname, given name)."""
    words = name.split()
    if len(words) > 1 and (len(words[0]) == 1 or words[0] in compound_surnames):
        return words[0], "".join(words[1:])
    joined = "".join(words)
    if len(joined) > 2 and joined[:2] in compound_surnames:
        return joined[:2], joined[2:]
    return joined[:1], joined[1:]


def _mask_word(word: str) -> str:
    if len(word) < 2:
        return MASK * len(word)
    return word[0] + MASK * (len(word) - 1)


def mask_name(name: str, *, compound_surnames: Collection[str] = COMPOUND_SURNAMES) -> str:
    """The name as it may be published (see the module docstring for the rules)."""
    text = _normalise(name)
    if not text:
        return ""
    if _is_hangul(text.replace(" ", "")):
        surname, given = hangul_name_split(text, compound_surnames=compound_surnames)
        if not given:
            return MASK * len(surname)  # a one-syllable name: nothing may be shown
        if len(given) == 1:
            return surname + MASK
        return surname + MASK * (len(given) - 1) + given[-1]
    return " ".join(_mask_word(word) for word in text.split(" "))
