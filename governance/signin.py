"""Sign-in lockout (django-axes) for the web sign-in, the admin and the API token.

:class:`LockoutBackend` is first in ``AUTHENTICATION_BACKENDS``: while a username or a
client address has had ``AXES_FAILURE_LIMIT`` failed sign-ins within the cool-off time,
every attempt is refused, the right password too. Addresses come from
:func:`governance.middleware.client_address` (``NUM_PROXIES``), so a forged
``X-Forwarded-For`` is not a new address.

A call to ``authenticate()`` without a request (a management command, the test client's
``login()``) guesses nothing over the network; axes cannot count it, so it is passed on
to the next backend rather than refused with an error.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check; only for sign-ins that come with a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_locked_out(request) -> bool:
    """Whether the last ``authenticate()`` on this request was refused by the lockout."""
    return bool(getattr(request, "axes_locked_out", False))
