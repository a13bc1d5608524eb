"""Request-level rules shared by the web pages and the API.

- :func:`client_address`: the client's address, the same rule for the sign-in lockout
  (django-axes) and DRF's throttles: with ``NUM_PROXIES = 0`` (the default) the socket
  address, whatever ``X-Forwarded-For`` the client sends; behind N trusted proxies, the
  N-th address from the right of ``X-Forwarded-For`` (the one our first proxy saw).
- :class:`PrivateCacheMiddleware`: pages served to a signed-in user are personal:
  ``Cache-Control: private, no-store`` so no shared cache or browser history keeps them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers


def client_address(request) -> str:
    """The client's IP address, trusting exactly ``settings.NUM_PROXIES`` proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user (web
    session or API token), and on any response that sets a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF authenticates API tokens inside the view and sets request.user then.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.cookies:
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Cookie"])
        return response
