"""The sign-in lockout's authentication backend (settings.AUTHENTICATION_BACKENDS, first)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request.

    Every way in from outside (the admin and reader login forms, the API's token endpoint)
    passes its request, and is refused while its account and address are locked out. A call
    without one (a management command or a shell checking a password) has no address to lock
    out and goes on to the password check, where django-axes would raise instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
