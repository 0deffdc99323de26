"""Who may call the API how often, and what they may change."""

import uuid

from rest_framework import permissions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from core.clients import client_ip


class AnonThrottle(AnonRateThrottle):
    """Per-IP limit for anonymous clients; the rate is `API_ANON_THROTTLE_RATE` (env)."""

    def get_rate(self):
        # Read at request time, so the rate follows settings (and test overrides).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF's own reads X-Forwarded-For whenever NUM_PROXIES is unset, which clients write.
        return client_ip(request)

    def allow_request(self, request, view):
        """DRF's rule (a sliding window of the last `duration` seconds; a refused request is
        not counted) in one Redis round trip where the cache can (core.cache_backends): DRF
        reads the list of every request's time in the window and writes it back, two round
        trips and a list as long as the rate allows, on every API request."""
        window_hit = getattr(self.cache, "window_hit", None)
        if window_hit is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        counted = window_hit(
            f"{self.key}:window",  # a sorted set: never the key of DRF's list
            now=self.now,
            window=self.duration,
            limit=self.num_requests,
            member=f"{self.now!r}:{uuid.uuid4().hex[:8]}",
        )
        if counted is None:
            return True  # no counters without Redis: nothing is refused, as DRF's own does
        count, oldest = counted
        if count < self.num_requests:
            return True
        self._wait = max(self.duration - (self.now - oldest), 0)
        return False

    def wait(self):
        if hasattr(self, "_wait"):
            return self._wait
        return super().wait()


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need Django's add / change / delete permission on the model."""
