"""Every date and time field of the admin shows the format it takes (YYYY-MM-DD, HH:MM) and
the newsroom's time zone, and a refusal says what to type (core/formats gives the formats;
editorial.middleware shows and takes times in settings.DISPLAY_TIME_ZONE)."""

from django.conf import settings
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.db import models

DATE_HINT = "YYYY-MM-DD"
TIME_HINT = "HH:MM:SS"
INVALID_DATE = "Enter a date as YYYY-MM-DD, for example 2022-03-01."
INVALID_TIME = "Enter a time as HH:MM:SS or HH:MM (24-hour clock), for example 06:30."


def _described(context, suffix):
    attrs = context["widget"]["attrs"]
    if attrs.get("id"):
        attrs["aria-describedby"] = f"{attrs['id']}_{suffix}"
    return context


class IsoDateInput(BaseAdminDateWidget):
    """A date input with its format beside it (and named by aria-describedby)."""

    template_name = "editorial/widgets/date_input.html"

    def get_context(self, name, value, attrs):
        context = _described(super().get_context(name, value, attrs), "format")
        context["widget"]["hint"] = DATE_HINT
        return context


class IsoTimeInput(BaseAdminTimeWidget):
    """A time input with its format and the time zone it is in beside it."""

    template_name = "editorial/widgets/time_input.html"

    def get_context(self, name, value, attrs):
        context = _described(super().get_context(name, value, attrs), "format")
        context["widget"]["hint"] = f"{TIME_HINT}, {settings.DISPLAY_TIME_ZONE} time"
        return context


class IsoDateWidget(IsoDateInput):
    template_name = "editorial/widgets/date.html"


class IsoSplitDateTime(AdminSplitDateTime):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets = [IsoDateInput(attrs=attrs), IsoTimeInput(attrs=attrs)]


DATE_FIELDS = {
    models.DateField: {"widget": IsoDateWidget, "error_messages": {"invalid": INVALID_DATE}},
    models.DateTimeField: {
        "widget": IsoSplitDateTime,
        "error_messages": {"invalid_date": INVALID_DATE, "invalid_time": INVALID_TIME},
    },
}
