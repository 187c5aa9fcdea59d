"""Model fields of our own."""

from django.db import models


class BulkJSONField(models.JSONField):
    """A JSONField whose rows ``bulk_create`` inserts with VALUES rather than UNNEST.

    Django 5.2 inserts a bulk on PostgreSQL as ``UNNEST(%s::jsonb[], …)``: one array per
    column, which psycopg dumps as text arrays, escaping every element with regular
    expressions. For thousands of JSON documents that escaping dominated the insert
    (``bench/bench_after_results.py``: freezing 30,000 entries' feedback took 17 s, most of it
    there). A field with ``get_placeholder`` makes Django keep the plain multi-row VALUES
    insert, each document a parameter of its own.
    """

    def get_placeholder(self, value, compiler, connection) -> str:
        return "%s"
