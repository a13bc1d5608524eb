"""The two steps of single sign-on: off to the provider, and back.

Both answer 404 while ``OIDC_ENABLED`` is off. A refusal (uninvited e-mail, unverified
e-mail, a token that fails its checks, the provider unreachable) is a page that says
what to do, never a sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from governance import signin
from governance.oidc import backend, discovery


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not switched on.")


def refused(request, refusal: backend.Refused):
    # 401, not 403: an anonymous 403 page is turned into "sign in" by the UI middleware.
    status = 503 if refusal.reason == backend.UNAVAILABLE else 401
    context = {"refusal": refusal, **signin.sign_in_context()}
    return render(request, "registration/oidc_refused.html", context, status=status)


class SignInStart(OIDCAuthenticationRequestView):
    """Redirect to the provider's authorisation endpoint with state, nonce and a PKCE
    challenge (S256); the verifier stays in the session."""

    get_settings = staticmethod(discovery.oidc_setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the parent reads the endpoint here: ours is lazy

    @property
    def OIDC_OP_AUTH_ENDPOINT(self):  # the parent's attribute name
        return discovery.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        _require_enabled()
        try:
            return super().get(request)
        except discovery.ProviderUnavailable as exc:
            return refused(request, backend.Refused(backend.UNAVAILABLE, str(exc)))


class SignInCallback(OIDCAuthenticationCallbackView):
    """Back from the provider: the backend exchanges the code (with the PKCE verifier),
    checks the ID token and finds the invited person; the sign-in is audited."""

    get_settings = staticmethod(discovery.oidc_setting)

    def get(self, request):
        _require_enabled()
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # e.g. a state this browser never started
            return refused(request, backend.Refused(backend.INVALID, str(exc)))

    def login_failure(self):
        refusal = getattr(self.request, "oidc_refusal", None) or backend.Refused(
            backend.INVALID, self.request.GET.get("error_description", "Sign-in failed.")
        )
        return refused(self.request, refusal)

    def login_success(self):
        response = super().login_success()
        signin.signed_in(self.request, signin.BY_OIDC)
        return response
