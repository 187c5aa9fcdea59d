"""The one path converter for database ids: ``<id:round_id>``.

Django's ``<int:…>`` takes any run of digits, so ``/judging/assignments/99999999999999999999/``
reached the database and overflowed its 64-bit column (a 500 on SQLite and PostgreSQL alike).
An id past the largest a ``BigAutoField`` can hold matches no route: 404, like any id that does
not exist. Registered in ``core.apps.CoreConfig.ready`` (before any URL module is imported);
the OpenAPI schema declares it as a 64-bit integer (``SPECTACULAR_SETTINGS``).
"""

MAX_ID = 2**63 - 1  # BigAutoField (and PostgreSQL's bigint): the largest id a row may have


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))
