"""The OpenAPI schema: errors, headers and parameters every operation shares, documented once.

`AutoSchema` is REST framework's DEFAULT_SCHEMA_CLASS; `postprocess_schema` runs on the
finished document (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]).
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import permissions

from core.rest import (
    MAX_ID,
    PROBLEM_MEDIA_TYPE,
    SPARSE_COMPONENTS,
    ConditionalGetMixin,
    ProblemSerializer,
    SparseFieldsMixin,
)
from core.rest.fields import SIGNED_TOKEN_MAX_LENGTH, SIGNED_TOKEN_PATTERN

PROBLEM_EXAMPLES = {
    400: OpenApiExample(
        "Invalid query parameter",
        value={
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": "Invalid input: ordering.",
            "instance": "/api/v1/stories/?ordering=colour",
            "code": "invalid",
            "errors": {
                "ordering": [
                    "Unknown ordering 'colour'. Use one of: updated_at, -updated_at, "
                    "published_at, -published_at, headline, -headline."
                ]
            },
        },
        response_only=True,
        status_codes=["400"],
    ),
}

ERROR_DESCRIPTIONS = {
    400: "A query parameter, path id or request body is invalid; `errors` names each one.",
    401: "Credentials are missing or wrong (writes need a token or a session).",
    403: "Signed in, but without the permission this needs.",
    404: "No such object, or it is not published; on a list, no page has this cursor.",
    406: "The Accept header asks for a format the API cannot produce.",
    409: "The object is still used by other content.",
    412: "If-Match names an ETag that is no longer current.",
    415: "The request body is not JSON (or form data where the operation accepts it).",
    429: "Too many requests from this client; retry after `Retry-After` seconds.",
}


class AutoSchema(SpectacularAutoSchema):
    """Documents, on every operation, the errors, headers and parameters the API shares."""

    def _is_detail(self) -> bool:
        return "{" in self.path

    def _has_cursor_pages(self) -> bool:
        # A forged cursor names no page: 404 (core.rest.pagination).
        return (
            self.method == "GET"
            and self._is_list_view()
            and getattr(self.view, "pagination_class", None) is not None
        )

    def _error_codes(self) -> list[int]:
        codes = [400, 401, 406, 429]
        if self.method not in permissions.SAFE_METHODS:
            codes += [403, 415] if self.method != "DELETE" else [403]
        if self._is_detail() or self._has_cursor_pages():
            codes.append(404)
        if self.method in ("PUT", "PATCH", "DELETE") and self._is_detail():
            codes.append(412)
        if self.method == "DELETE":
            codes.append(409)
        return sorted(set(codes) - set(getattr(self.view, "schema_skip_errors", ())))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET" and isinstance(self.view, ConditionalGetMixin):
            responses["304"] = {
                "description": "Not modified: the ETag or date you sent is still current. No body."
            }
        for code in self._error_codes():
            if str(code) in responses:
                continue
            response = self._get_response_for_code(
                OpenApiResponse(ProblemSerializer, description=ERROR_DESCRIPTIONS[code]),
                str(code),
                media_types=[PROBLEM_MEDIA_TYPE],
            )
            example = PROBLEM_EXAMPLES.get(code)
            if example is not None:
                response["content"][PROBLEM_MEDIA_TYPE]["examples"] = {
                    "InvalidQueryParameter": {"value": example.value, "summary": example.name}
                }
            responses[str(code)] = response
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        is_read = self.method == "GET"
        if is_read and isinstance(self.view, SparseFieldsMixin) and self._sparse_action():
            names = self._sparse_names()
            parameters.append(
                OpenApiParameter(
                    "fields",
                    type={
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "enum": names},
                    },
                    style="form",
                    explode=False,
                    description="Return only these top-level fields (comma-separated); `id` "
                    "always comes back. Unknown names answer 400.",
                    examples=[self._sparse_example(names)],
                )
            )
        if is_read and isinstance(self.view, ConditionalGetMixin):
            parameters += [
                OpenApiParameter(
                    "If-None-Match",
                    location=OpenApiParameter.HEADER,
                    description="The ETag of the copy you hold; 304 if it is still current.",
                    examples=[OpenApiExample("ETag", value='"3f2a9c0d8e7b6a5f4e3d2c1b0a998877"')],
                ),
                OpenApiParameter(
                    "If-Modified-Since",
                    location=OpenApiParameter.HEADER,
                    description="An HTTP date; 304 if nothing changed since. Prefer If-None-Match.",
                    examples=[OpenApiExample("Date", value="Thu, 05 Feb 2026 21:00:00 GMT")],
                ),
                OpenApiParameter(
                    "ETag",
                    location=OpenApiParameter.HEADER,
                    response=[200, 304],
                    description="Tag of this representation; send it back in If-None-Match "
                    "(reads) or If-Match (writes).",
                ),
                OpenApiParameter(
                    "Last-Modified",
                    location=OpenApiParameter.HEADER,
                    response=[200, 304],
                    description="When the content in this response last changed.",
                ),
                OpenApiParameter(
                    "Cache-Control",
                    location=OpenApiParameter.HEADER,
                    response=[200, 304],
                    description="`public, max-age=0, s-maxage=10, stale-while-revalidate=10` "
                    "for anonymous reads; `private, no-cache` when signed in.",
                ),
            ]
        if self.method in ("PUT", "PATCH", "DELETE") and self._is_detail():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    location=OpenApiParameter.HEADER,
                    description="The ETag you read (from a plain GET of this object, or your last "
                    'write), such as `"3f2a9c0d8e7b6a5f4e3d2c1b0a998877"`. If the object changed '
                    "since, the write answers 412 and nothing is changed. Only the server makes "
                    "ETags: there is no example value that would work.",
                )
            )
        parameters.append(
            OpenApiParameter(
                "Retry-After",
                location=OpenApiParameter.HEADER,
                response=[429],
                type=OpenApiTypes.INT,
                description="Seconds to wait before the next request.",
            )
        )
        return parameters

    def _sparse_action(self) -> bool:
        return getattr(self.view, "action", None) in ("list", "retrieve")

    def _sparse_names(self) -> list[str]:
        serializer_class = self.view.get_serializer_class()
        return list(serializer_class().fields)

    @staticmethod
    def _sparse_example(names: list[str]) -> OpenApiExample:
        # A name this resource has: an example its own `enum` refuses would answer 400.
        name = next((n for n in ("headline", "name", "title") if n in names), names[-1])
        return OpenApiExample(f"{name.capitalize()} only", value=["id", name])

    def get_auth(self):
        auths = super().get_auth()
        anonymous_reads = any(
            isinstance(p, permissions.DjangoModelPermissionsOrAnonReadOnly)
            for p in self.view.get_permissions()
        )
        if anonymous_reads and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


PARAMETER_EXAMPLES = {
    "id": 1,
    "category": 1,
    "person": 1,
    "organization": 1,
    "story": 1,
    "story_id": 1,
    "kind": "treaty",
    "status": "published",
    "slug": "us-russia-restore-military-communication-channel",
    "updated_since": "2026-02-01T00:00:00Z",
    "published_after": "2026-01-01T00:00:00Z",
    "published_before": "2026-03-01T00:00:00Z",
    "date_after": "2021-01-01",
    "date_before": "2026-12-31",
    "published_on_after": "2020-01-01",
    "published_on_before": "2026-12-31",
    "publisher": "Reuters",
    "limit": 50,
    "format": "jsonld",
}


OPAQUE_PARAMETERS = {
    "cursor": "Copy it from a page's `next` or `previous` link (e.g. `cursor=WzAsMCwiMjAyNi…`); "
    "a cursor that is not one answers 400, one the API did not issue 404.",
    "since": "Send it as it came (e.g. `eyJ2IjoxLCJj…:1vAbCd:…`).",
}


def postprocess_schema(result, generator, request, public):
    """Fill parameter examples, and relax `required` on components `?fields=` can trim."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                    parameter["description"] = "The object's id."
                if parameter["in"] == "query" and parameter["name"] in OPAQUE_PARAMETERS:
                    # Only the server makes these: the schema gives their form, not a value.
                    parameter["schema"] = {
                        "type": "string",
                        "pattern": SIGNED_TOKEN_PATTERN,
                        "maxLength": SIGNED_TOKEN_MAX_LENGTH,
                    }
                    parameter["description"] = (
                        parameter.get("description", "")
                        + " "
                        + OPAQUE_PARAMETERS[parameter["name"]]
                    ).strip()
                if parameter["name"] == "format" and not parameter.get("description"):
                    parameter["description"] = (
                        "Response format instead of the Accept header; both give the same data. "
                        "Empty counts as absent."
                    )
                    enum = parameter.get("schema", {}).get("enum")
                    if enum is not None and "" not in enum:
                        enum.append("")  # DRF reads `?format=` as no override, as it should
                if "example" in parameter or "examples" in parameter:
                    continue
                if parameter["name"] in PARAMETER_EXAMPLES:
                    example = PARAMETER_EXAMPLES[parameter["name"]]
                    if parameter.get("schema", {}).get("type") == "array":
                        example = [example]  # a repeatable filter (`?kind=treaty`) is a list
                    parameter["example"] = example
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name in SPARSE_COMPONENTS and "properties" in component:
            component["required"] = ["id"]
            component["description"] = (
                component.get("description", "")
                + "\n\nEvery property is present unless the request trimmed them with `fields`."
            ).strip()
    return result
