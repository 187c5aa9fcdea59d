"""The ceiling of bench_http: a WSGI app that answers two bytes, no Django, served by the same
gunicorn. No endpoint can go faster through gunicorn's sync workers on this machine with this
load generator; a cached response is measured against it too."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]
