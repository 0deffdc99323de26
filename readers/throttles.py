"""API throttles for sign-up and sign-in, counted with the web forms' django-ratelimit counters.

The API and the web forms share one budget per address (same group, rate and key), so moving
from the form to the API buys an attacker no extra guesses.
"""

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle


class RateLimitThrottle(BaseThrottle):
    """Refuse POSTs from one address beyond the rate named by `rate_setting` (429, Retry-After)."""

    group = ""
    rate_setting = ""

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        usage = get_usage(
            request._request,
            group=self.group,
            # The address from core.clients (RATELIMIT_IP_META_KEY), as the web forms count.
            key="ip",
            rate=getattr(settings, self.rate_setting),
            method="POST",
            increment=True,
        )
        if usage is None or not usage["should_limit"]:
            return True
        self.time_left = max(usage["time_left"], 1)
        return False

    def wait(self):
        return getattr(self, "time_left", None)


class SignUpThrottle(RateLimitThrottle):
    """Sign-ups per address: `READER_SIGNUP_RATE`, shared with /accounts/signup/."""

    group, rate_setting = "signup", "READER_SIGNUP_RATE"


class SignInThrottle(RateLimitThrottle):
    """Sign-ins (and password checks) per address: `READER_LOGIN_RATE`, shared with the login form."""

    group, rate_setting = "login", "READER_LOGIN_RATE"
