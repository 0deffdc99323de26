"""How the schema documents If-Match on writes to existing objects (412 stale, 428 missing).

The check itself is `core.rest.views.check_if_match`, made under the row lock.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from core.rest.errors import PROBLEM_MEDIA_TYPE, ProblemSerializer

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the copy you read (GET it first). The write happens only if the "
    "object is still exactly that: otherwise 412, and nothing is written. Without it, 428. "
    "`*` overwrites whatever is there.",
    examples=[OpenApiExample("ETag", value='"3f2a9c0d8e7b6a5f4e3d2c1b0a998877"')],
)

PRECONDITION_RESPONSES = {
    (412, PROBLEM_MEDIA_TYPE): OpenApiResponse(
        ProblemSerializer,
        description="If-Match names an ETag that is no longer current: someone changed the "
        "object since you read it. Nothing was written; read it again, reapply, retry.",
        examples=[
            OpenApiExample(
                "Stale ETag",
                value={
                    "type": "about:blank",
                    "title": "Precondition Failed",
                    "status": 412,
                    "detail": "The resource changed since you read it: its ETag no longer "
                    "matches If-Match. Read it again, reapply your change and retry.",
                    "instance": "/api/v1/stories/1/",
                    "code": "precondition_failed",
                },
                response_only=True,
                status_codes=["412"],
            )
        ],
    ),
    (428, PROBLEM_MEDIA_TYPE): OpenApiResponse(
        ProblemSerializer,
        description="No If-Match: writes to an existing object need the ETag you read.",
        examples=[
            OpenApiExample(
                "No If-Match",
                value={
                    "type": "about:blank",
                    "title": "Precondition Required",
                    "status": 428,
                    "detail": "Send If-Match with the ETag you last read (GET this object "
                    "first): writes to an existing object are refused without it, so that "
                    "nobody overwrites a change they have not seen. `If-Match: *` overwrites "
                    "whatever is there.",
                    "instance": "/api/v1/stories/1/",
                    "code": "precondition_required",
                },
                response_only=True,
                status_codes=["428"],
            )
        ],
    ),
}


def guarded_write(**schema) -> dict:
    """extend_schema keywords for an update or delete: If-Match required, 412 and 428 shown."""
    return {
        **schema,
        "parameters": [*schema.get("parameters", []), IF_MATCH],
        "responses": {**schema.get("responses", {}), **PRECONDITION_RESPONSES},
    }
