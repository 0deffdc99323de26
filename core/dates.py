"""Dates known only to the day, the month or the year, as history often is."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def format_partial_date(
    value: datetime.date | None, precision: str, *, long: bool = False, iso: bool = False
) -> str:
    """Show `value` at its precision: "5 Feb 2026", "Oct 1962", "1963" (long: "October 1962";
    iso, as the admin takes it: "2026-02-05", "1962-10", "1963")."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if iso:
        return f"{value:%Y-%m}" if precision == Precision.MONTH else value.isoformat()
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


# A season or part of a year, as editors write vague dates: the month it is ordered by.
# (Seasons are the northern hemisphere's; winter is the one that starts in December.)
_SEASONS = {
    "spring": 3,
    "summer": 6,
    "autumn": 9,
    "fall": 9,
    "winter": 12,
    "early": 1,
    "mid": 6,
    "late": 10,
}
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B"),
        datetime.date(2000, number, 1).strftime("%b"),
    )
}


def parse_partial_date(text: str) -> tuple[datetime.date, str, str] | None:
    """A date as an editor types it, as (date, precision, label), or None if it is not one.

    "2022-03-05" is a day; "2022-03", "March 2022" and "Mar 2022" a month (stored on the 1st);
    "2022" a year (1 January); "Autumn 2021", "Early 2022" or "Mid-2022" keep their words as the
    label and are ordered by the month they start in. A full date in another wording ("5 March
    2022") is the form field's own business (settings.DATE_INPUT_FORMATS).
    """
    words = text.strip().replace("-", " ").replace(",", " ").split()
    try:
        if len(words) == 1 and len(words[0]) == 4:
            return datetime.date(int(words[0]), 1, 1), Precision.YEAR, ""
        if len(words) == 2 and words[0].isdigit() and words[1].isdigit() and len(words[0]) == 4:
            return datetime.date(int(words[0]), int(words[1]), 1), Precision.MONTH, ""
        if len(words) == 2 and words[1].isdigit() and len(words[1]) == 4:
            name, year = words[0].lower(), int(words[1])
            if name in _MONTHS:
                return datetime.date(year, _MONTHS[name], 1), Precision.MONTH, ""
            if name in _SEASONS:
                label = " ".join(text.split())
                return datetime.date(year, _SEASONS[name], 1), Precision.MONTH, label
    except ValueError:  # a month 13, a year 0
        return None
    return None
