"""Dates known only to the day, the month or the year, as history often is."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def format_partial_date(value: datetime.date | None, precision: str, *, long: bool = False) -> str:
    """Show `value` at its precision: "5 Feb 2026", "Oct 1962", "1963" (long: "October 1962")."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return value.strftime("%B %Y" if long else "%b %Y")
    return f"{value.day} {value.strftime('%B %Y' if long else '%b %Y')}"


def validate_partial_date(value: datetime.date | None, precision: str) -> str | None:
    """Return an error message when `value` claims more precision than `precision` allows."""
    if value is None:
        return None
    if precision == Precision.MONTH and value.day != 1:
        return (
            "A date known only to the month is stored as the first day of that month "
            f"(enter {value.replace(day=1).isoformat()}), or choose day precision."
        )
    if precision == Precision.YEAR and (value.month, value.day) != (1, 1):
        return (
            "A date known only to the year is stored as 1 January "
            f"(enter {value.replace(month=1, day=1).isoformat()}), or choose a finer precision."
        )
    return None


def partial_date_constraint_q(date_field: str, precision_field: str) -> Q:
    """A Q the database checks: month dates fall on the 1st, year dates on 1 January."""
    return (
        Q(**{precision_field: Precision.DAY})
        | Q(**{precision_field: Precision.MONTH, f"{date_field}__day": 1})
        | Q(**{precision_field: Precision.YEAR, f"{date_field}__day": 1, f"{date_field}__month": 1})
    )


def clean_partial_date(instance, date_field: str, precision_field: str) -> None:
    """Raise a field error on `date_field` when the date contradicts its precision."""
    message = validate_partial_date(
        getattr(instance, date_field), getattr(instance, precision_field)
    )
    if message:
        raise ValidationError({date_field: message})
