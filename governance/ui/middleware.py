"""Anonymous visitors sent to sign in, not shown "403 Forbidden"."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login


class SignInInsteadOfForbiddenMiddleware:
    """A page that refuses an anonymous visitor (403) is one that needs a signed-in user:
    send the browser to the sign-in page (with ``next``) instead, as ``login_required``
    does. Only page loads (GET/HEAD of an HTML page); the API keeps its JSON 401/403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 403
            and request.method in ("GET", "HEAD")
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
            and not request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return redirect_to_login(request.get_full_path())
        return response
