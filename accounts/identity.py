"""How an account's e-mail address and phone number are written down (issue 13.14): one
normal form, so that "Jimin@Example.com" and "jimin@example.com" are one address, and a phone
number is a real Korean number written one way ("010-1234-5678"). Pure: no Django models.

* E-mail: trimmed and lower-cased (Korean providers and every large one treat the local part
  case-insensitively; team members' addresses are stored the same way). The database holds one
  account per address whatever its case (``accounts.User``'s ``user_email_ci_unique``).
* Phone: mobile ``010-XXXX-XXXX`` (``011/016/017/018/019`` with 3 or 4 digits in the middle),
  Seoul ``02-XXX(X)-XXXX``, the regional codes ``031``–``064`` and internet telephony ``070``,
  written with or without hyphens, spaces, dots or brackets, or as ``+82 10 …``.
"""

import re

_SEPARATORS = re.compile(r"[\s\-.()]")
_MOBILE = re.compile(r"^(010)(\d{4})(\d{4})$|^(01[16789])(\d{3,4})(\d{4})$")
_SEOUL = re.compile(r"^(02)(\d{3,4})(\d{4})$")
_REGIONAL = re.compile(r"^(0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4]))(\d{3,4})(\d{4})$")
_INTERNET = re.compile(r"^(070)(\d{4})(\d{4})$")


class InvalidPhone(ValueError):
    """Not a Korean mobile or landline number."""


def email_normalise(email: str) -> str:
    return (email or "").strip().lower()


def phone_normalise(phone: str) -> str:
    """``"01012345678"``, ``"+82 10-1234-5678"`` → ``"010-1234-5678"``; "" stays "".

    Raises ``InvalidPhone`` for anything else ("010-1", letters, an unknown area code)."""
    raw = (phone or "").strip()
    if not raw:
        return ""
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    if not digits.isdigit():
        raise InvalidPhone(phone)
    for pattern in (_MOBILE, _SEOUL, _REGIONAL, _INTERNET):
        match = pattern.match(digits)
        if match:
            return "-".join(group for group in match.groups() if group)
    raise InvalidPhone(phone)
