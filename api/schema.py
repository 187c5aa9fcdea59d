"""The OpenAPI schema documents every operation's errors (API.md: any non-2xx is
``{"code", "message", "detail"}``).

``AutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds to each operation the error
answers it can give, each with the one ``ErrorBody`` component, derived from what the view is:

- 400: a write, or query parameters (``invalid`` with ``detail`` per field,
  ``parse_error``, or a domain refusal with its own code);
- 401, 403: the view authenticates (``not_authenticated``, ``authentication_failed``,
  ``token_expired``; ``forbidden``, ``wrong_role``, ``submissions_closed``, a session without
  its CSRF token);
- 404: a path parameter, or a page of a list (``not_found``: what you may not see does not
  exist for you);
- 409: a write by a logged-in user (``already_published``, ``scorecard_locked``, …);
- 413, 415: a body to send (``request_too_large``, ``unsupported_media_type``);
- 429: a throttled view (``throttle_classes``, or ``throttled_by_service = True`` on it), with
  ``Retry-After``.

A view may name more with ``extend_schema(responses={…})``; those it names are kept.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="stable snake_case code, e.g. not_found")
    message = serializers.CharField(help_text="translated (Accept-Language: ko, en)")
    detail = serializers.DictField(help_text="field errors, or what the refusal concerns")

    class Meta:
        ref_name = "ErrorBody"


DESCRIPTIONS = {
    "400": "The request is not valid: `invalid` (field errors in `detail`), `parse_error`, or a "
    "domain refusal with its own code.",
    "401": "Log in first, or the token is wrong or expired (`token_expired`).",
    "403": "Not allowed for this role or in this phase (e.g. `wrong_role`, "
    "`submissions_closed`), or a session request without its CSRF token.",
    "404": "Not found, or not visible to you (`not_found`).",
    "409": "Conflicts with the current state (e.g. `already_published`, `scorecard_locked`, "
    "`edit_conflict`).",
    "413": "The request body is larger than 2.5 MB (`request_too_large`).",
    "415": "Send the body as JSON (`unsupported_media_type`).",
    "429": "Too many requests (`throttled`); `Retry-After` says how many seconds to wait.",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        declared = [s for s, r in responses.items() if s >= "400" and "content" not in r]
        for status in declared:  # an error named by the view with a description only
            body = self._error_response(status, responses[status].get("description", ""))
            responses[status]["content"] = body["content"]
        for status in self._error_statuses():
            if status in responses:
                continue
            response = self._error_response(status, DESCRIPTIONS[status])
            if status == "429":
                response["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer", "minimum": 1},
                        "description": "seconds until a new request may succeed",
                    }
                }
            responses[status] = response
        return responses

    def _error_response(self, status: str, description: str) -> dict:
        return self._get_response_for_code(
            OpenApiResponse(ErrorBodySerializer, description=description), status
        )

    def _error_statuses(self) -> list[str]:
        view, method = self.view, self.method.upper()
        authenticates = bool(getattr(view, "authentication_classes", None))
        has_body = method in WRITES and method != "DELETE"
        query = any(p.get("in") == "query" for p in self._get_parameters())
        paged = bool(self._get_pagination_parameters())
        statuses = set()
        if method in WRITES or query:  # a refusal of a write, a body or query that is not valid
            statuses.add("400")
        if authenticates:
            statuses |= {"401", "403"}
        if "{" in self.path or paged:
            statuses.add("404")
        if method in WRITES and authenticates:
            statuses.add("409")
        if has_body:
            statuses |= {"413", "415"}
        if getattr(view, "throttle_classes", None) or getattr(view, "throttled_by_service", False):
            statuses.add("429")
        return sorted(statuses)
