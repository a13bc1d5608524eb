"""Request-level rules shared by the web pages and the API.

- :func:`client_address`: the client's address, the same rule for the sign-in lockout
  (django-axes) and DRF's throttles: with ``NUM_PROXIES = 0`` (the default) the socket
  address, whatever ``X-Forwarded-For`` the client sends; behind N trusted proxies, the
  N-th address from the right of ``X-Forwarded-For`` (the one our first proxy saw).
- :class:`PrivateCacheMiddleware`: pages served to a signed-in user are personal:
  ``Cache-Control: private, no-store`` so no shared cache or browser history keeps them.
- :class:`ReadOnlyRolesMiddleware`: auditors read, never write. Any change asked for by
  a read-only person (``permissions.is_read_only``), through a page or the API, is
  refused before the view runs, except the few in ``READ_ONLY_MAY``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework.authentication import get_authorization_header

from governance import permissions

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# What a read-only person may still send: their own session and API tokens, their
# notification preference, and the jobs that only read (retrying a report's render,
# verifying the audit trail). None of these changes a governance record.
READ_ONLY_MAY = frozenset(
    {
        "login",
        "logout",
        "admin-login",
        "admin-logout",
        "admin:login",
        "admin:logout",
        "oidc-login",
        "oidc-callback",
        "api-token",
        "api-token-detail",
        "reminders:settings",
        "packs:job-retry",
        "audit-verify",
        "api-audit-verify",
    }
)
READ_ONLY_REFUSAL = "Your role is read-only: auditors read records and change none."


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


def _caller(request):
    """The signed-in person, or an API token's (DRF authenticates tokens in the view, too
    late for a middleware); None when neither."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if not request.path.startswith("/api/"):
        return None
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"token":
        return None
    from governance.tokens.selectors import token_user

    try:
        return token_user(parts[1].decode())
    except UnicodeDecodeError:
        return None


class ReadOnlyRolesMiddleware:
    """Refuse every change a read-only person asks for (403; JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in READ_ONLY_MAY:
            return None
        user = _caller(request)
        if user is None or not permissions.is_read_only(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": READ_ONLY_REFUSAL}, status=403)
        raise PermissionDenied(READ_ONLY_REFUSAL)
