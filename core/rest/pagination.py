"""Keyset (cursor) pagination that follows the queryset's own order, with signed cursors."""

import datetime as dt
import decimal
import functools
import operator
import re
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet
from rest_framework import exceptions, pagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.rest.errors import bad_param, whole_number
from core.rest.fields import SIGNED_TOKEN_PATTERN

_SIGNED_TOKEN = re.compile(SIGNED_TOKEN_PATTERN)


@dataclass(frozen=True)
class Key:
    """One column of a page order: its name in the queryset, direction, and where NULLs go."""

    name: str
    descending: bool
    nulls_last: bool
    nullable: bool

    def reversed(self) -> "Key":
        return Key(self.name, not self.descending, not self.nulls_last, self.nullable)

    @property
    def label(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def _raw_keys(queryset: QuerySet) -> list[tuple[str, bool, bool | None]]:
    """(name, descending, nulls_last or None for the backend's default) as the query is ordered
    before any `.reverse()`."""
    query = queryset.query
    meta = query.get_meta()
    order = query.order_by or (meta.ordering if query.default_ordering else ())
    keys = []
    for item in order:
        if isinstance(item, str) and item not in ("?", "-?") and "." not in item:
            name, descending, nulls_last = item.lstrip("-"), item.startswith("-"), None
        elif isinstance(item, F):
            name, descending, nulls_last = item.name, False, None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_last = True if item.nulls_last else (False if item.nulls_first else None)
        else:
            raise ImproperlyConfigured(
                f"Cursor pages order by fields and annotations by name, not by {item!r}."
            )
        keys.append((meta.pk.name if name == "pk" else name, descending, nulls_last))
    return keys


def _nullable(queryset: QuerySet, name: str) -> bool:
    if name in queryset.query.annotations or "__" in name:
        return True
    try:
        return queryset.model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True


def keyset_order(queryset: QuerySet) -> tuple[QuerySet, list[Key]]:
    """The queryset in its own order, with the primary key appended when the order does not
    end in it (so no two rows tie), and that order as keys in the direction rows come out."""
    query, meta = queryset.query, queryset.model._meta
    raw = _raw_keys(queryset)
    if meta.pk.name not in [name for name, _, _ in raw]:
        descending = raw[-1][1] if raw else True  # an unordered list: newest first
        raw.append((meta.pk.name, descending, None))
        declared = query.order_by or (meta.ordering if query.default_ordering else ())
        queryset = queryset.order_by(*declared, f"-{meta.pk.name}" if descending else meta.pk.name)
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    keys = []
    for name, descending, nulls_last in raw:
        if nulls_last is None:
            nulls_last = descending != nulls_largest
        key = Key(name, descending, nulls_last, _nullable(queryset, name))
        keys.append(key if queryset.query.standard_ordering else key.reversed())
    return queryset, keys


def rows_after(keys: list[Key], position: list) -> Q | None:
    """The rows that come after `position` (one value per key) in the keys' order, or None
    when none can."""
    branches, equal = [], Q()
    for key, value in zip(keys, position, strict=True):
        if value is None:
            step = None if key.nulls_last else Q(**{f"{key.name}__isnull": False})
            same = Q(**{f"{key.name}__isnull": True})
        else:
            step = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
            if key.nullable and key.nulls_last:
                step |= Q(**{f"{key.name}__isnull": True})
            same = Q(**{key.name: value})
        if step is not None:
            branches.append(equal & step)
        equal &= same
    if not branches:
        return None
    condition = functools.reduce(operator.or_, branches)
    first, value = keys[0], position[0]
    if value is not None and not first.nullable:
        # Redundant, but a bound on the leading column lets an index start at the cursor.
        condition &= Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": value})
    return condition


def _json_value(value):
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _value_of(row, name: str):
    for part in name.split("__"):
        row = row[part] if isinstance(row, dict) else getattr(row, part)
        if row is None:
            break
    return row


class CursorPagination(pagination.CursorPagination):
    """Cursor pages in the order the view's queryset declares (its selector's), `page_size`
    1–100 (default 20); stable while content is added.

    A cursor holds the sort values of the row it continues from (keyset pagination), the
    primary key breaking ties, so no page skips or repeats a row however many rows share a
    date. Cursors are signed and tied to the order they were made for, so a damaged or
    hand-made cursor answers 400 instead of reaching the database. `cursor=` with no value is
    the first page.
    """

    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = None  # the queryset's own order is followed: see keyset_order
    cursor_salt = "newsroom.api.cursor"
    cursor_query_description = (
        "Opaque position from the `next` or `previous` link of a page. Do not build it yourself."
    )
    page_size_query_description = "Items per page, 1 to 100. Default 20."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return whole_number(raw, name=self.page_size_query_param, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        queryset, self.keys = keyset_order(queryset)
        reverse, position = self.decode_cursor(request)
        keys = self.keys
        if reverse:
            queryset, keys = queryset.reverse(), [key.reversed() for key in keys]
        if position is not None:
            condition = rows_after(keys, position)
            queryset = queryset.none() if condition is None else queryset.filter(condition)
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = position is not None, more
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def _position(self, row) -> list:
        return [_json_value(_value_of(row, key.name)) for key in self.keys]

    def get_next_link(self):
        if not self.has_next:
            return None
        if not self.page:  # nothing before a backward cursor: the first page follows
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(False, self._position(self.page[-1]))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        # Past the end, the page before is the last one: backwards from no position.
        position = self._position(self.page[0]) if self.page else None
        return self.encode_cursor(True, position)

    def _ordering_key(self) -> str:
        return ",".join(key.label for key in self.keys)

    def encode_cursor(self, reverse: bool, position: list | None):
        token = signing.dumps(
            [int(reverse), position, self._ordering_key()], salt=self.cursor_salt, compress=True
        )
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request) -> tuple[bool, list | None]:
        """(backwards?, position) from `?cursor=`; (False, None) for the first page."""
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # absent, or sent empty: a schema-valid way to ask for the first page
            return False, None
        if not _SIGNED_TOKEN.match(encoded):
            raise bad_param(
                self.cursor_query_param,
                "This is not a cursor. Use the `next` or `previous` link of a page.",
            )
        try:
            reverse, position, ordering = signing.loads(encoded, salt=self.cursor_salt)
            if reverse not in (0, 1) or not (position is None or isinstance(position, list)):
                raise ValueError
        except (signing.BadSignature, TypeError, ValueError):
            # Well formed, but not issued here (or altered): no such page, as DRF's own
            # CursorPagination answers.
            raise exceptions.NotFound(
                "No page has this cursor: use the `next` or `previous` link of a page."
            ) from None
        if ordering != self._ordering_key() or (
            position is not None and len(position) != len(self.keys)
        ):
            raise bad_param(
                self.cursor_query_param,
                "This cursor was made for another ordering; start again without a cursor.",
            )
        return bool(reverse), position

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
