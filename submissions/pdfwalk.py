"""Walking a PDF's object graph: every dictionary (streams included) and array reachable from
a starting object, each once. Used by the inspection, looking for active content (the judges'
copy no longer walks objects: it is rebuilt from rendered pages, ``submissions.pdfsanitise``)."""

from collections.abc import Iterator
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


class PdfTooComplex(Exception):
    """More containers than the caller allows: a hostile or absurd file."""


def pdf_containers(start: Any, *, limit: int | None = None) -> Iterator[Any]:
    """Yield each reachable DictionaryObject or ArrayObject once.

    A container's children are read after the caller has seen it, so a caller may delete
    keys from a yielded dictionary and those values are never visited (nor kept alive).
    """
    stack: list[Any] = [start]
    seen: set[tuple[int, int]] = set()
    count = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if not isinstance(obj, DictionaryObject | ArrayObject):
            continue
        count += 1
        if limit is not None and count > limit:
            raise PdfTooComplex
        yield obj
        if isinstance(obj, DictionaryObject):
            stack.extend(dict.values(obj))
        else:
            stack.extend(list.__iter__(obj))
