"""API tokens (governance/tokens):

- ``POST /api/v1/auth/token/``: username and password in, ``{"token": …, "expires_at": …}``
  out; a new token every time (only its hash is kept, so the key is shown once).
- ``DELETE /api/v1/auth/token/``: revokes the token the call is made with (204).
- ``GET /api/v1/auth/tokens/``: the caller's tokens (never the keys), with their state.
- ``DELETE /api/v1/auth/tokens/{id}/``: revokes one of the caller's tokens (204).

Send the token on every call as ``Authorization: Token <key>``. The token request is
throttled per client address (``API_TOKEN_RATE``; the address rule honours
``NUM_PROXIES``) and subject to the sign-in lockout (django-axes), like the web sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from governance.api.serializers import ErrorSerializer
from governance.middleware import client_address
from governance.signin import is_locked_out
from governance.tokens.authentication import ExpiringTokenAuthentication
from governance.tokens.models import ApiToken
from governance.tokens.selectors import tokens_of
from governance.tokens.services import api_token_issue, api_token_revoke, token_state


class TokenRequestThrottle(SimpleRateThrottle):
    """Slows password guessing: a limited number of token requests per client address
    (``API_TOKEN_RATE`` in settings, default 20 a minute). The address is the real
    client's (``NUM_PROXIES``), so a rotating ``X-Forwarded-For`` does not escape it."""

    scope = "auth-token"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_RATE", "20/minute")

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Too many failed sign-ins for this account or from this address; try again later."
    )
    default_code = "locked_out"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True, max_length=150)
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=4096, style={"input_type": "password"}
    )

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if is_locked_out(request):
                raise SignInLocked()
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: shown only now, keep it secret.")
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(help_text="The token this call was made with.")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "state",
            "current",
        ]
        read_only_fields = fields

    def get_state(self, token) -> str:
        return token_state(token).value

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class TokenApi(GenericAPIView):
    serializer_class = TokenRequestSerializer

    def _method(self) -> str:
        # None while drf-spectacular builds the schema (each method is described on its own).
        return getattr(getattr(self, "request", None), "method", "") or ""

    def get_authenticators(self):
        # Requesting a token needs only the credentials in the body (no session, so no
        # CSRF); revoking needs the token being revoked.
        return [] if self._method() == "POST" else [ExpiringTokenAuthentication()]

    def get_permissions(self):
        return [IsAuthenticated()] if self._method() == "DELETE" else []

    def get_throttles(self):
        return [TokenRequestThrottle()] if self._method() == "POST" else []

    @extend_schema(
        summary="Obtain an API token",
        description="Exchange a username and password for a new API token, valid for "
        "API_TOKEN_DAYS days (default 30) or until revoked or the password changes. Bad "
        "credentials give 400; too many requests or failed sign-ins give 429.",
        request=TokenRequestSerializer,
        responses={200: TokenIssuedSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = api_token_issue(actor=serializer.validated_data["user"])
        response = Response({"token": key, "expires_at": token.expires_at})
        add_never_cache_headers(response)
        return response

    @extend_schema(
        summary="Revoke the calling token",
        description="Revokes the token sent in the Authorization header.",
        request=None,
        responses={204: None, 401: ErrorSerializer},
        tags=["auth"],
    )
    def delete(self, request, *args, **kwargs):
        api_token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListApi(GenericAPIView):
    serializer_class = ApiTokenSerializer
    pagination_class = None

    def get_queryset(self):
        return tokens_of(self.request.user)

    @extend_schema(
        summary="List your API tokens",
        description="Your tokens, newest first, with their state (active, expired, "
        "revoked, password_changed). Keys are never shown again.",
        responses={200: ApiTokenSerializer(many=True)},
        tags=["auth"],
    )
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class TokenDetailApi(GenericAPIView):
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return tokens_of(self.request.user)

    @extend_schema(
        summary="Revoke one of your API tokens",
        request=None,
        responses={204: None, 404: ErrorSerializer},
        tags=["auth"],
    )
    def delete(self, request, pk: int, *args, **kwargs):
        token = get_object_or_404(self.get_queryset(), pk=pk)
        api_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)

