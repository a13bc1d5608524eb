"""Sign-in settings from the environment (imported by ``governance.settings``).

Variables:

- ``OIDC_ENABLED`` (default off): show "Sign in with your NHS account".
- ``OIDC_OP_ISSUER``: the provider's issuer, e.g.
  ``https://login.microsoftonline.com/<tenant id>/v2.0``; its discovery document is at
  ``<issuer>/.well-known/openid-configuration``. Or ``OIDC_OP_DISCOVERY_URL`` to give
  the document's address directly (the issuer then comes from the document).
- ``OIDC_RP_CLIENT_ID``, ``OIDC_RP_CLIENT_SECRET``: this app's registration.
- ``OIDC_PROVIDER_LABEL`` (default "your NHS account"): the button's words.
- ``PASSWORD_SIGNIN_ENABLED`` (default on): off removes the password form and refuses
  password sign-in everywhere (web, admin, API token).
- ``PASSWORD_BREAK_GLASS`` (default off): with password sign-in off, still lets a
  *superuser* sign in with a password at ``/admin/login/`` only (for when the identity
  provider is down); each such sign-in is audited as ``password-break-glass``.

PKCE (S256), the nonce, RS256 signatures checked against the provider's published keys
(JWKS), the audience and the issuer are always on; they are not settings.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_int, env_str

DISCOVERY_PATH = "/.well-known/openid-configuration"


def oidc_settings_from_env() -> dict:
    """The Django settings of both kinds of sign-in; raises ImproperlyConfigured naming
    the missing variable when OIDC is switched on without its configuration."""
    enabled = env_bool("OIDC_ENABLED", default=False)
    password = env_bool("PASSWORD_SIGNIN_ENABLED", default=True)
    values = {
        "OIDC_ENABLED": enabled,
        "PASSWORD_SIGNIN_ENABLED": password,
        "PASSWORD_BREAK_GLASS": env_bool("PASSWORD_BREAK_GLASS", default=False),
        "OIDC_PROVIDER_LABEL": env_str("OIDC_PROVIDER_LABEL", default="your NHS account"),
        "OIDC_OP_ISSUER": env_str("OIDC_OP_ISSUER", default="").rstrip("/"),
        "OIDC_OP_DISCOVERY_URL": env_str("OIDC_OP_DISCOVERY_URL", default=""),
        "OIDC_RP_CLIENT_ID": env_str("OIDC_RP_CLIENT_ID", default=""),
        "OIDC_RP_CLIENT_SECRET": env_str("OIDC_RP_CLIENT_SECRET", default=""),
        # Fixed: the safe choices, not left to configuration.
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_USE_NONCE": True,
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_CREATE_USER": False,
        "OIDC_TIMEOUT": env_int("OIDC_TIMEOUT", 10),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc-callback",
        "OIDC_DISCOVERY_CACHE_SECONDS": env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600),
    }
    if enabled:
        if not values["OIDC_OP_ISSUER"] and not values["OIDC_OP_DISCOVERY_URL"]:
            raise ImproperlyConfigured(
                "OIDC_ENABLED is on: set OIDC_OP_ISSUER (or OIDC_OP_DISCOVERY_URL)."
            )
        for name in ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET"):
            if not values[name]:
                raise ImproperlyConfigured(f"OIDC_ENABLED is on: set {name}.")
    if not enabled and not password:
        raise ImproperlyConfigured(
            "PASSWORD_SIGNIN_ENABLED is off and OIDC_ENABLED is not on: nobody could sign in."
        )
    return values


def discovery_url(issuer: str, explicit: str) -> str:
    return explicit or f"{issuer.rstrip('/')}{DISCOVERY_PATH}"
