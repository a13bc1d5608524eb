"""The OIDC authentication backend: a provider account signs in as the invited person
with the same *verified* e-mail address, or not at all.

A person exists here only if a secretariat invited them with an organisation and a role
(``governance.organisations.invitations``): the account must be active, have an active
membership, and be the only active account with that e-mail. Users are never created.
When the provider sends ``email_verified``, it must be true.

On top of mozilla-django-oidc (the authorisation code flow with PKCE and the nonce), the
ID token's RS256 signature is checked against the provider's JWKS (from discovery), and
its audience, issuer, expiry and issue time are required and checked.

A refusal leaves its reason on the request (``request.oidc_refusal``) for the callback
page to explain; the backend then returns None like any other failed sign-in.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from governance.oidc import discovery
from governance.organisations.models import Membership

logger = logging.getLogger(__name__)

UNINVITED = "uninvited"
UNVERIFIED = "unverified"
INVALID = "invalid"
UNAVAILABLE = "unavailable"


class Refused(Exception):
    def __init__(self, reason: str, detail: str, email: str = ""):
        super().__init__(detail)
        self.reason, self.detail, self.email = reason, detail, email


def invited_person(email: str):
    """The one active user with this e-mail who has an active membership, or None."""
    people = (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=True)
        .filter(memberships__in=Membership.objects.active())
        .distinct()
    )
    found = list(people[:2])
    return found[0] if len(found) == 1 else None


def _verified(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class InvitedPersonBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured lazily from discovery (no network on a
    password sign-in), strict about the ID token, matching invited people only."""

    get_settings = staticmethod(discovery.oidc_setting)
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # The parent reads every endpoint here; ours come from discovery when needed.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return discovery.oidc_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return discovery.oidc_setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return discovery.oidc_setting("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):
        return settings.OIDC_RP_CLIENT_SECRET

    def authenticate(self, request, **kwargs):
        if not getattr(settings, "OIDC_ENABLED", False) or request is None:
            return None
        if "code" not in request.GET or "state" not in request.GET:
            return None  # a password sign-in, or not ours
        try:
            return super().authenticate(request, **kwargs)
        except Refused as exc:
            refusal = exc
        except discovery.ProviderUnavailable as exc:
            refusal = Refused(UNAVAILABLE, str(exc))
        except (SuspiciousOperation, requests.RequestException) as exc:
            refusal = Refused(INVALID, str(exc))
        logger.warning("OIDC sign-in refused (%s): %s", refusal.reason, refusal.detail)
        request.oidc_refusal = refusal
        return None

    def _verify_jws(self, payload, key):
        """The ID token's signature (RS256 only), audience, issuer, expiry, issue time."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token unreadable: {exc}") from exc
        if header.get("alg") != "RS256":
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, not RS256.")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=["RS256"],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=discovery.issuer(),
                leeway=60,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audience = claims["aud"]
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without our azp.")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """The invited person whose verified e-mail the provider vouches for. Never
        creates a user."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = self.get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise Refused(INVALID, "The userinfo answer is for another subject.")
            claims.update({k: v for k, v in info.items() if k in {"email", "email_verified"}})
        email = str(claims.get("email") or "").strip()
        if not email:
            raise Refused(UNVERIFIED, "The provider sent no e-mail address.")
        if "email_verified" in claims and not _verified(claims["email_verified"]):
            raise Refused(UNVERIFIED, f"The provider has not verified {email}.", email)
        user = invited_person(email)
        if user is None:
            raise Refused(UNINVITED, f"No invited person has the e-mail {email}.", email)
        return user
