"""The admin shows and takes times in the newsroom's time zone (settings.DISPLAY_TIME_ZONE),
the one readers see: scheduling "06:00" means 06:00 on the story page. Stored times stay UTC;
the API keeps ISO 8601 with its offset."""

import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


class AdminTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.zone = zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if not request.path.startswith(self.prefix):
            return self.get_response(request)
        with timezone.override(self.zone):  # and back to whatever was active after
            return self.get_response(request)
