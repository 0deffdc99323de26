"""Who is asking: the client's address, decided once for every limit that counts per address.

The API's anonymous throttle (core.rest.AnonThrottle), the sign-up, sign-in and reset
limits (django-ratelimit through `RATELIMIT_IP_META_KEY`) and the sign-in lockout
(django-axes through `AXES_CLIENT_IP_CALLABLE`) all ask `client_ip`, so a header a client can
write never picks whose budget a request spends.
"""

import ipaddress

from django.conf import settings


def _address(value: str) -> str:
    """`value` as a normalised IP address, or "" when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request) -> str:
    """The client's IP address: REMOTE_ADDR, unless `TRUSTED_PROXY_COUNT` proxies stand in front.

    Each trusted proxy appends the address it was called from to X-Forwarded-For, so with N of
    them the client is the Nth entry from the right; anything further left was written by the
    client and is ignored. A request with fewer entries than that did not come through the
    proxies, and REMOTE_ADDR is all there is. "" when there is no address at all (a bare WSGI
    call).
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _address(hops[-proxies]) or remote


def ratelimit_ip(request) -> str:
    """`client_ip` for django-ratelimit, which needs an address: calls without one share one."""
    return client_ip(request) or "0.0.0.0"
