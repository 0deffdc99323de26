"""Every date and time field of the admin shows the format it takes (YYYY-MM-DD, HH:MM) and
the newsroom's time zone, and a refusal says what to type (core/formats gives the formats;
editorial.middleware shows and takes times in settings.DISPLAY_TIME_ZONE)."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.db import models

from core.dates import parse_partial_date

DATE_HINT = "YYYY-MM-DD"
TIME_HINT = "HH:MM:SS"
INVALID_DATE = "Enter a date as YYYY-MM-DD, for example 2022-03-01."
INVALID_TIME = "Enter a time as HH:MM:SS or HH:MM (24-hour clock), for example 06:30."


class IsoDateWidget(BaseAdminDateWidget):
    """A date input with its format below it, named by aria-describedby. (Below, not beside:
    the calendar's "Today" link goes beside the input, and must not sit in a line of text.)"""

    template_name = "editorial/widgets/date.html"
    hint = DATE_HINT

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if widget["attrs"].get("id"):
            widget["attrs"]["aria-describedby"] = f"{widget['attrs']['id']}_format"
        widget["hint"] = self.hint
        return context


class IsoSplitDateTime(AdminSplitDateTime):
    """Date and time inputs with their formats and the newsroom's time zone below them."""

    template_name = "editorial/widgets/split_datetime.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets = [BaseAdminDateWidget(attrs=attrs), BaseAdminTimeWidget(attrs=attrs)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        field = name.rsplit("-", 1)[-1].replace("_", " ").capitalize()
        for sub, part in zip(widget["subwidgets"], ("date", "time"), strict=True):
            sub["attrs"]["aria-label"] = f"{field}: {part}"  # "Date:" beside it is no label
            if widget["attrs"].get("id"):
                sub["attrs"]["aria-describedby"] = f"{widget['attrs']['id']}_format"
        widget["hint"] = f"{DATE_HINT} and {TIME_HINT}, {settings.DISPLAY_TIME_ZONE} time"
        return context


DATE_FIELDS = {
    models.DateField: {"widget": IsoDateWidget, "error_messages": {"invalid": INVALID_DATE}},
    models.DateTimeField: {
        "widget": IsoSplitDateTime,
        "error_messages": {"invalid_date": INVALID_DATE, "invalid_time": INVALID_TIME},
    },
}


PARTIAL_HINT = "YYYY-MM-DD, or 2022-03, March 2022, 2022, Autumn 2021"
INVALID_PARTIAL = (
    "Enter a date as YYYY-MM-DD, or a month (2022-03, March 2022), a year (2022) or a season "
    "(Autumn 2021)."
)


class PartialDate(datetime.date):
    """A date typed as a month, a year or a season: it carries the precision and label."""

    precision: str
    label: str


class PartialDateInput(IsoDateWidget):
    hint = PARTIAL_HINT

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, {**(attrs or {}), "size": 28})


class PartialDateField(forms.DateField):
    """A date field that also takes a date known to the month, the year or a season."""

    widget = PartialDateInput
    default_error_messages = {"invalid": INVALID_PARTIAL}

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            parsed = parse_partial_date(str(value or ""))
            if parsed is None:
                raise
            day, precision, label = parsed
            partial = PartialDate(day.year, day.month, day.day)
            partial.precision, partial.label = precision, label
            return partial


class PartialDateForm(forms.ModelForm):
    """A form of a row with `date`, `precision` and `date_label` (a timeline event): a date
    typed as a month, a year or a season sets all three; a full date keeps the chosen ones."""

    date = PartialDateField(help_text="Orders the timeline.")

    def clean(self):
        cleaned = super().clean()
        typed = cleaned.get("date")
        if isinstance(typed, PartialDate):
            cleaned["precision"] = typed.precision
            cleaned["date_label"] = typed.label
            cleaned["date"] = datetime.date(typed.year, typed.month, typed.day)
        return cleaned
