"""Sign-in: the lockout (django-axes), password sign-in that can be switched off, and the
audited sign-in and sign-out pages (single sign-on itself is in ``governance.oidc``).

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
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import LoginView, LogoutView
from django.db import transaction
from django.urls import reverse

from governance.audit.services import audit_record


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check; only for sign-ins that come with a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_locked_out(request) -> bool:
    """Whether the last ``authenticate()`` on this request was refused by the lockout."""
    return bool(getattr(request, "axes_locked_out", False))


# --- password sign-in, switched off by PASSWORD_SIGNIN_ENABLED ---------------------------

BY_PASSWORD = "password"  # noqa: S105 (a sign-in method, not a secret)
BY_BREAK_GLASS = "password-break-glass"
BY_OIDC = "oidc"
METHODS = (BY_PASSWORD, BY_BREAK_GLASS, BY_OIDC)
SESSION_METHOD = "signin_method"


def password_signin_allowed(request, user) -> bool:
    """Password sign-in is on; or it is off and this is the documented break-glass: a
    superuser at the admin's sign-in page while ``PASSWORD_BREAK_GLASS`` is on."""
    if settings.PASSWORD_SIGNIN_ENABLED:
        return True
    return bool(
        settings.PASSWORD_BREAK_GLASS
        and user.is_superuser
        and request is not None
        and request.path == reverse("admin:login")
    )


class PasswordBackend(ModelBackend):
    """Django's username and password check, refused while password sign-in is off (the
    web sign-in, the admin and the API token alike)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or password_signin_allowed(request, user):
            return user
        if request is not None:
            request.password_signin_refused = True
        return None


# --- audited sign-in and sign-out ------------------------------------------------------


@transaction.atomic
def signin_record(*, actor, method: str) -> None:
    """Record that ``actor`` signed in, and how (``account.signed_in``)."""
    if method not in METHODS:
        raise ValueError(f"Unknown sign-in method {method!r}.")
    audit_record(
        actor=actor,
        verb="account.signed_in",
        target=actor,
        changes={"method": {"before": None, "after": method}},
    )


@transaction.atomic
def signout_record(*, actor, method: str) -> None:
    """Record that ``actor`` signed out of a session begun by ``method``."""
    audit_record(
        actor=actor,
        verb="account.signed_out",
        target=actor,
        changes={"method": {"before": method, "after": None}},
    )


def signed_in(request, method: str) -> None:
    """After ``login()``: remember the method for the sign-out, and audit."""
    request.session[SESSION_METHOD] = method
    signin_record(actor=request.user, method=method)


def sign_in_context() -> dict:
    return {
        "oidc_enabled": settings.OIDC_ENABLED,
        "password_enabled": settings.PASSWORD_SIGNIN_ENABLED,
        "oidc_label": settings.OIDC_PROVIDER_LABEL,
    }


class SignInView(LoginView):
    """The sign-in page: "Sign in with your NHS account" when OIDC is on, the password
    form while password sign-in is on (a password POST is refused when it is off)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **sign_in_context()}

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGNIN_ENABLED:
            context = self.get_context_data(refused=True)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        signed_in(self.request, BY_PASSWORD)
        return response


class SignOutView(LogoutView):
    """Sign out (POST), audited with the method the session began with."""

    def post(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            signout_record(actor=user, method=request.session.get(SESSION_METHOD, BY_PASSWORD))
        return super().post(request, *args, **kwargs)


def admin_login(request, extra_context=None):
    """The admin's sign-in page, audited (``password``, or ``password-break-glass`` while
    password sign-in is off)."""
    was_signed_in = request.user.is_authenticated
    response = admin.site.login(request, extra_context)
    if request.method == "POST" and not was_signed_in and request.user.is_authenticated:
        signed_in(request, BY_PASSWORD if settings.PASSWORD_SIGNIN_ENABLED else BY_BREAK_GLASS)
    return response


def admin_logout(request, extra_context=None):
    """The admin's sign-out, audited like the site's."""
    if request.method == "POST" and request.user.is_authenticated:
        method = request.session.get(SESSION_METHOD, BY_PASSWORD)
        signout_record(actor=request.user, method=method)
    return admin.site.logout(request, extra_context)
