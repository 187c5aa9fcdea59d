"""The HTTP API (``/api/v1/``, API.md): DRF serializers, views, pagination and the one error
handler. No business rules: every view parses, calls one service or selector, and renders.
Nothing outside ``api`` imports it."""
