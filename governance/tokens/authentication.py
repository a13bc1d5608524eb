"""DRF authentication with our expiring tokens: ``Authorization: Token <key>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from governance.tokens.models import TokenState
from governance.tokens.services import api_token_authenticate

_REFUSED = {
    TokenState.EXPIRED: _("Token has expired; request a new one."),
    TokenState.REVOKED: _("Token has been revoked."),
    TokenState.PASSWORD_CHANGED: _("Token ended by a password change; request a new one."),
}


class ExpiringTokenAuthentication(TokenAuthentication):
    """``request.user`` is the token's user; ``request.auth`` is the ``ApiToken``."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token, state = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if state in _REFUSED:
            raise exceptions.AuthenticationFailed(_REFUSED[state])
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
