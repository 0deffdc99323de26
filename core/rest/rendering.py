"""JSON renderers that label errors as problem details, and the ETag of a representation."""

import hashlib

from rest_framework import renderers

from core.rest.errors import PROBLEM_MEDIA_TYPE


class JSONRenderer(renderers.JSONRenderer):
    """JSON, with error responses labelled `application/problem+json`."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = PROBLEM_MEDIA_TYPE
        return super().render(data, accepted_media_type, renderer_context)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def representation_etag(data, media_type: str = "application/json") -> str:
    """A strong ETag for a JSON representation: the same data always gives the same tag."""
    body = renderers.JSONRenderer().render(data)
    digest = hashlib.sha256(media_type.encode() + b"\n" + body).hexdigest()[:32]
    return f'"{digest}"'
