"""Project-wide REST framework pieces, named once in `settings.REST_FRAMEWORK`.

Problem-details errors (RFC 9457, formerly 7807), strict cursor pagination, strict ordering
and filters, the anonymous throttle, conditional GETs (ETag / Last-Modified / 304), sparse
fieldsets and strict write fields. `core.rest.schema` documents them on every operation.

Nothing here may import `rest_framework.views` at import time: REST framework imports the
classes its settings name while it is still loading that module.
"""

from core.rest.access import AnonThrottle, ModelPermissionsOrAnonReadOnly
from core.rest.errors import (
    MAX_ID,
    PROBLEM_MEDIA_TYPE,
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
    ProblemSerializer,
    bad_param,
    problem,
    problem_exception_handler,
)
from core.rest.fields import (
    SPARSE_COMPONENTS,
    ImageSerializer,
    SparseFieldsSerializerMixin,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictSlugField,
    StrictSlugRelatedField,
    StrictURLField,
    absolute,
    image_data,
    storable_text,
)
from core.rest.filtering import (
    DateTimeFilter,
    IdFilter,
    OrderingFilter,
    SearchFilter,
    StrictFilterSet,
)
from core.rest.pagination import CursorPagination
from core.rest.rendering import JSONLDRenderer, JSONRenderer, representation_etag
from core.rest.views import (
    ConditionalGetMixin,
    ListReadMixin,
    ReadMixin,
    RecordWriteMixin,
    SparseFieldsMixin,
    cache_control_for,
    check_if_match,
)

__all__ = [
    "MAX_ID",
    "PROBLEM_MEDIA_TYPE",
    "SPARSE_COMPONENTS",
    "AnonThrottle",
    "ConditionalGetMixin",
    "Conflict",
    "CursorPagination",
    "DateTimeFilter",
    "IdFilter",
    "ImageSerializer",
    "JSONLDRenderer",
    "JSONRenderer",
    "ListReadMixin",
    "ModelPermissionsOrAnonReadOnly",
    "OrderingFilter",
    "PreconditionFailed",
    "PreconditionRequired",
    "ProblemSerializer",
    "ReadMixin",
    "RecordWriteMixin",
    "SearchFilter",
    "SparseFieldsMixin",
    "SparseFieldsSerializerMixin",
    "StrictCharField",
    "StrictFilterSet",
    "StrictIntegerField",
    "StrictModelSerializer",
    "StrictPrimaryKeyRelatedField",
    "StrictSlugField",
    "StrictSlugRelatedField",
    "StrictURLField",
    "absolute",
    "bad_param",
    "cache_control_for",
    "check_if_match",
    "image_data",
    "problem",
    "problem_exception_handler",
    "representation_etag",
    "storable_text",
]
