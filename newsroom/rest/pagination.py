"""Cursor pagination with strict page sizes and signed cursors."""

from django.core import signing
from rest_framework import pagination
from rest_framework.utils.urls import replace_query_param

from newsroom.rest.errors import bad_param


class CursorPagination(pagination.CursorPagination):
    """Cursor pages: stable while content is added, `page_size` 1–100 (default 20).

    Cursors are signed and tied to the ordering they were made for, so a damaged or
    hand-made cursor answers 400 instead of reaching the database.
    """

    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-pk",)
    cursor_salt = "newsroom.api.cursor"
    cursor_query_description = (
        "Opaque position from the `next` or `previous` link of a page. Do not build it yourself."
    )
    page_size_query_description = "Items per page, 1 to 100. Default 20."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise bad_param(
                self.page_size_query_param,
                f"Enter a whole number from 1 to {self.max_page_size}.",
            )
        return int(raw)

    def _ordering_key(self) -> str:
        return ",".join(self.ordering)

    def encode_cursor(self, cursor):
        token = signing.dumps(
            [cursor.offset, int(cursor.reverse), cursor.position, self._ordering_key()],
            salt=self.cursor_salt,
            compress=True,
        )
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            offset, reverse, position, ordering = signing.loads(encoded, salt=self.cursor_salt)
            offset = int(offset)
        except (signing.BadSignature, TypeError, ValueError):
            raise bad_param(
                self.cursor_query_param,
                "This cursor is not valid. Use the `next` or `previous` link of a page.",
            ) from None
        if ordering != self._ordering_key():
            raise bad_param(
                self.cursor_query_param,
                "This cursor was made for another ordering; start again without a cursor.",
            )
        offset = max(0, min(offset, self.offset_cutoff))
        return pagination.Cursor(offset=offset, reverse=bool(reverse), position=position)

    def get_paginated_response_schema(self, schema):
        example = "https://newsroom.example/api/v1/stories/?cursor=WzAsMCwiMjAyNi0wMi0wNSJd"
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last one.",
                    "example": example,
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page, or null on the first one.",
                    "example": None,
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["example"] = 20
        return parameters
