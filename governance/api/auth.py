"""``POST /api/v1/auth/token/``: username and password in, ``{"token": …}`` out.

Send the token on every call as ``Authorization: Token <key>``.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from governance.api.serializers import ErrorSerializer
from governance.api.services import api_token_issue


class TokenRequestThrottle(SimpleRateThrottle):
    """Slows password guessing: a limited number of token requests per client address
    (``API_TOKEN_RATE`` in settings, default 20 a minute)."""

    scope = "auth-token"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_RATE", "20/minute")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthTokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenApi(ObtainAuthToken):
    # Credentials travel in the body: no session (hence no CSRF) and no token needed.
    authentication_classes = ()
    throttle_classes = (TokenRequestThrottle,)

    @extend_schema(
        summary="Obtain an API token",
        description="Exchange a username and password for the user's API token. Bad "
        "credentials give 400 with a message.",
        request=AuthTokenSerializer,
        responses={200: AuthTokenOutput, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(actor=serializer.validated_data["user"])
        return Response({"token": token.key})
