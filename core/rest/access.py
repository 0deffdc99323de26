"""Who may call the API how often, and what they may change."""

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


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writes need Django's add / change / delete permission on the model."""
