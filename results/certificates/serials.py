"""Certificate serial numbers: unguessable, typed from paper without silent typos (DOMAIN §8).

Format: ``<prefix>-XXXX-XXXX-XXC``, e.g. ``WSCE21-C-7KQ2-M9XH-4TD``.

* ``X`` — 10 random Crockford base32 symbols from :mod:`secrets` (50 bits: guessing a valid
  serial for the public ``/verify/<serial>`` page takes ~10^15 tries per issued certificate);
* ``C`` — one check symbol over those 10, with the **Damm algorithm** on GF(32): it catches
  *every* single mistyped symbol and *every* swap of two neighbours (a plain sum catches only
  the first; Crockford's own mod-37 check needs the symbols ``*~$=U``, awkward in a URL);
* groups of four for reading aloud; the alphabet ``0-9 A-Z`` without ``I L O U``, so on input
  ``O`` reads as ``0``, ``I``/``L`` as ``1``, case, spaces and hyphens do not matter.

Damm on GF(32): the quasigroup ``a ∘ d = 2·a ⊕ d`` (multiplication in GF(2⁵) modulo
x⁵ + x² + 1) is totally anti-symmetric — ``(c∘x)∘y = (c∘y)∘x`` only if ``x = y`` — which is what
makes adjacent swaps detectable; the check symbol ``2·a`` brings the running value back to 0.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["ALPHABET", "SERIAL_PREFIX", "serial_generate", "serial_is_valid", "serial_normalize"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
SERIAL_PREFIX = "WSCE21-C"
RANDOM_LENGTH = 10
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _times_two(value: int) -> int:
    """Multiply by x in GF(2⁵) modulo x⁵ + x² + 1 (0b100101)."""
    value <<= 1
    return value ^ 0b100101 if value & 0b100000 else value


def _damm(symbols: str) -> int:
    interim = 0
    for symbol in symbols:
        interim = _times_two(interim) ^ _VALUE[symbol]
    return interim


def _check_symbol(body: str) -> str:
    return ALPHABET[_times_two(_damm(body))]


def _format(prefix: str, body: str) -> str:
    code = body + _check_symbol(body)
    return f"{prefix}-{code[0:4]}-{code[4:8]}-{code[8:]}"


def serial_generate(*, prefix: str = SERIAL_PREFIX) -> str:
    """A fresh serial. Uniqueness is the database's job (a unique constraint; retry on the
    very unlikely clash) — 50 random bits make a clash rare, not impossible."""
    if not re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", prefix):
        raise ValueError("prefix: upper-case letters and digits in hyphen-separated groups")
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return _format(prefix, body)


def serial_normalize(*, text: str, prefix: str = SERIAL_PREFIX) -> str | None:
    """The canonical serial for what a person typed or scanned, or ``None`` if it is not one
    (wrong prefix, wrong length, a symbol outside the alphabet, or a failed check symbol).

    ``"wsce21-c 7kq2m9xh4td"`` and ``"WSCE21-C-7KQ2-M9XH-4TD"`` give the same result.
    """
    squashed = re.sub(r"[\s-]", "", text).upper()
    head = prefix.replace("-", "")
    if not squashed.startswith(head):
        return None
    code = squashed[len(head) :].translate(_READ_AS)
    if len(code) != RANDOM_LENGTH + 1 or any(symbol not in _VALUE for symbol in code):
        return None
    if _damm(code) != 0:
        return None
    return _format(prefix, code[:-1])


def serial_is_valid(*, text: str, prefix: str = SERIAL_PREFIX) -> bool:
    """True if ``text`` is a well-formed serial exactly as printed (canonical form)."""
    return serial_normalize(text=text, prefix=prefix) == text
