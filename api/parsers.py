"""Request parsers that keep bad bodies inside the contract (DOMAIN §10: no 5xx for bad input).

DRF's own parsers read a JSON or form body straight from the stream, so Django's cap on a body
held in memory (``DATA_UPLOAD_MAX_MEMORY_SIZE``, 2.5 MB) never applied to them, and a JSON body
nested 100,000 deep raised ``RecursionError`` (a 500). Here:

* a body over the cap answers 413 ``request_too_large`` (read no further than the cap);
* JSON nested deeper than ``MAX_JSON_DEPTH`` — or too deep for Python's parser — answers 400
  ``parse_error``; so does JSON that is not JSON (DRF's behaviour, translated);
* a multipart body whose fields (not files) exceed the cap, or with too many fields or files,
  answers 413/400 instead of Django's HTML error page.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.settings import api_settings

from core.errors import PayloadTooLarge, ValidationFailed

MAX_JSON_DEPTH = 32  # our deepest payload nests 4 levels


def body_read(stream, parser_context) -> bytes:
    """The whole body, refused (413) beyond ``DATA_UPLOAD_MAX_MEMORY_SIZE``, declared or sent."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {})
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if limit is not None and declared > limit:
        raise PayloadTooLarge()
    data = stream.read(limit + 1) if limit is not None else stream.read()
    if limit is not None and len(data) > limit:
        raise PayloadTooLarge()
    return data


def _depth_check(value) -> None:
    """Refuse containers nested deeper than ``MAX_JSON_DEPTH`` (iteratively: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children)


def _too_deep() -> ValidationFailed:
    return ValidationFailed(
        _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH},
        code="parse_error",
    )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = body_read(stream, parser_context)
        try:
            text = raw.decode(encoding)
            constant = json_strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=constant)
        except RecursionError as exc:
            raise _too_deep() from exc
        except ValueError as exc:  # also UnicodeDecodeError and Python's digit limit
            raise ValidationFailed(
                _("The request body is not valid JSON."), code="parse_error"
            ) from exc
        _depth_check(data)
        return data


def json_strict_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")  # NaN, Infinity: DRF's STRICT_JSON


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = body_read(stream, parser_context)
        try:
            return QueryDict(raw, encoding=encoding)
        except TooManyFieldsSent as exc:
            raise ValidationFailed(
                _("The request has too many fields."), code="parse_error"
            ) from exc


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig as exc:
            raise PayloadTooLarge() from exc
        except (TooManyFieldsSent, TooManyFilesSent) as exc:
            raise ValidationFailed(
                _("The request has too many fields or files."), code="parse_error"
            ) from exc
