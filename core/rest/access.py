"""Who may call the API how often, and what they may change."""

import uuid

from rest_framework import permissions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from core.caching import COUNTED
from core.clients import client_ip


class AnonThrottle(AnonRateThrottle):
    """Per-IP limit for anonymous clients; the rate is `API_ANON_THROTTLE_RATE` (env)."""

    def get_rate(self):
        # Read at request time, so the rate follows settings (and test overrides).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF's own reads X-Forwarded-For whenever NUM_PROXIES is unset, which clients write.
        return client_ip(request)

    def window(self, request) -> dict | None:
        """This request's hit of the sliding window (core.cache_backends' `window_hit`
        arguments), or None when the window is not counted on Redis or the client is not
        throttled here. `request` may be Django's or DRF's: only its address is read."""
        if self.rate is None or not hasattr(self.cache, "window_hit"):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        now = self.timer()
        key = self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return {
            "key": f"{key}:window",  # a sorted set: never the key of DRF's list
            "now": now,
            "window": self.duration,
            "limit": self.num_requests,
            "member": f"{now!r}:{uuid.uuid4().hex[:8]}",
        }

    def allow_request(self, request, view):
        """DRF's rule (a sliding window of the last `duration` seconds; a refused request is
        not counted) in one Redis round trip where the cache can (core.cache_backends): DRF
        reads the list of every request's time in the window and writes it back, two round
        trips and a list as long as the rate allows, on every API request. A cached API read
        has counted it already, in the round trip that read the page (core.caching)."""
        if self.rate is None or not hasattr(self.cache, "window_hit"):
            return super().allow_request(request, view)
        counted = getattr(request._request, COUNTED, None)
        if counted is not None:
            now, counted, _ = counted
            delattr(request._request, COUNTED)  # counted once, used once
        else:
            window = self.window(request)
            if window is None:
                return True  # signed in: AnonRateThrottle's rule
            now = window["now"]
            counted = self.cache.window_hit(**window)
        if self.allows(counted):
            return True
        self._wait = max(self.duration - (now - counted[1]), 0)
        return False

    def allows(self, counted) -> bool:
        """Whether a request whose window hit is `counted` (window_hit's answer) may pass.
        Without Redis there are no counters and nothing is refused, as DRF's own throttle."""
        return counted is None or counted[0] < self.num_requests

    def wait(self):
        if hasattr(self, "_wait"):
            return self._wait
        return super().wait()


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need Django's add / change / delete permission on the model."""
