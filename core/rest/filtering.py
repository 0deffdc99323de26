"""Ordering, search and django-filter pieces that refuse bad input instead of ignoring it."""

import datetime as dt

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters

from core.rest.errors import MAX_ID, bad_param


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` with one of the fields a view documents, `-` for descending; else 400.

    Views declare `ordering_fields` as {public name: model field or annotation}. Without
    `?ordering=` the queryset keeps the order its selector declared, unless the view declares
    a default `ordering` tuple of its own. The primary key breaks ties, so cursors stay stable.
    """

    def allowed(self, view) -> list[str]:
        names = list(getattr(view, "ordering_fields", {}))
        return [value for name in names for value in (name, f"-{name}")]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return tuple(self.get_default_ordering(view) or ())
        allowed = self.allowed(view)
        if raw not in allowed:
            raise bad_param(
                self.ordering_param,
                f"Unknown ordering {raw[:50]!r}. Use one of: {', '.join(allowed)}.",
            )
        descending = raw.startswith("-")
        field = view.ordering_fields[raw.lstrip("-")]
        return (f"-{field}", "-pk") if descending else (field, "pk")

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_schema_operation_parameters(self, view):
        allowed = self.allowed(view)
        if not allowed:
            return []
        default = ",".join(getattr(view, "ordering", None) or ())
        default = f"Default `{default}`." if default else "Default: the order described above."
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Sort order: one field, `-` in front for descending. {default}",
                "schema": {"type": "string", "enum": allowed},
                "example": allowed[1] if len(allowed) > 1 else allowed[0],
            }
        ]


class SearchFilter(filters.SearchFilter):
    """`?search=` words matched, case-insensitively, against the fields a view lists; or, for a
    view with a `search_queryset(queryset, text)` method, the search read that it names (so an
    endpoint can answer what its page's search answers). A blank `?search=` searches nothing."""

    max_length = 200
    search_description = "Words to look for (all must match), up to 200 characters."

    def search_text(self, request) -> str:
        raw = request.query_params.get(self.search_param, "")
        if len(raw) > self.max_length:
            raise bad_param(self.search_param, f"Search for at most {self.max_length} characters.")
        return raw

    def get_search_terms(self, request):
        self.search_text(request)
        return super().get_search_terms(request)

    def filter_queryset(self, request, queryset, view):
        search_queryset = getattr(view, "search_queryset", None)
        if search_queryset is None:
            return super().filter_queryset(request, queryset, view)
        text = self.search_text(request)
        return search_queryset(queryset, text) if text.strip() else queryset

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "maxLength": self.max_length}
            parameter["example"] = "treaty"
        return parameters


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet where a typed parameter given with no value (`?updated_since=`) is an error.

    django-filter ignores empty values, as HTML forms send them; an API client sending one
    has a bug worth hearing about. Free-text filters may still be empty.
    """

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.CharFilter) or name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if any(value == "" for value in values):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number from 1; anything else answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema: an integer in range, described by the filter's help text.
        extend_schema_field(
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ID,
                "description": kwargs.get("help_text", ""),
            }
        )(self)


class _BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                # In UTC: PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows.
                value = value.astimezone(dt.UTC)
            except (OverflowError, ValueError):
                raise forms.ValidationError(
                    "Enter a date and time between the years 1 and 9999.", code="invalid"
                ) from None
        return value


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (`2026-02-05T21:00:00Z`); a date alone means its midnight UTC."""

    field_class = _BoundedIsoDateTimeField
