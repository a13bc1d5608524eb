"""A real OpenID Connect provider for the sign-in tests, on loopback.

Built from authlib's ``AuthorizationServer`` with the authorisation code grant, the
OpenID Connect code extension (ID tokens signed RS256) and PKCE (RFC 7636, required),
plus a discovery document, a JWKS and a userinfo endpoint, served by ``wsgiref`` in a
thread. Nothing here is mocked: the app under test talks HTTP to it.

The provider can be told to misbehave, to prove the app refuses it:
``mode = "wrong_key"`` (sign with a key not in the JWKS, same ``kid``), ``"wrong_aud"``
(an ID token for another client), ``"wrong_nonce"`` (a nonce the app never sent).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, make_server

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

KID = "test-signing-key"


class Client(ClientMixin):
    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str]):
        self.client_id, self.client_secret, self.redirect_uris = (
            client_id,
            client_secret,
            redirect_uris,
        )

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {"client_secret_post", "client_secret_basic"}

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class AuthCode:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.auth_time = int(time.time())

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class Request(OAuth2Request):
    def __init__(self, environ):
        uri = f"{environ['provider.base']}{environ['PATH_INFO']}"
        if environ.get("QUERY_STRING"):
            uri += "?" + environ["QUERY_STRING"]
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        super().__init__(environ["REQUEST_METHOD"], uri, headers=headers)
        self._args = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        self._form = environ["provider.form"]
        self.payload = BasicOAuth2Payload({**self._args, **self._form})

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class Provider:
    """The provider: start() it, register the app's client, set ``user`` to the person
    signed in at the provider, then let the app redirect to it."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"})
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, AuthCode] = {}
        self.tokens: dict[str, dict] = {}
        self.user = {"sub": "u-1", "email": "someone@nhs.net", "email_verified": True}
        self.mode = "normal"
        self.token_requests: list[dict] = []
        self.server = self._authorization_server()
        self.httpd = None

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> Provider:
        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = make_server("127.0.0.1", 0, self.wsgi, handler_class=Quiet)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def register(self, client_id, client_secret, redirect_uri) -> None:
        self.clients[client_id] = Client(client_id, client_secret, [redirect_uri])

    # --- authlib --------------------------------------------------------------------

    def _authorization_server(self):
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id):
                return provider.clients.get(client_id)

            def save_token(self, token, request):
                provider.tokens[token["access_token"]] = dict(request.user)

            def create_oauth2_request(self, request):
                return request if isinstance(request, OAuth2Request) else Request(request)

            def handle_response(self, status, body, headers):
                return status, body, headers

            def send_signal(self, name, *args, **kwargs):
                pass

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post", "client_secret_basic"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = AuthCode(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=data.get("redirect_uri"),
                    scope=data.get("scope", ""),
                    user=dict(request.user),
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class OpenID(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.other_key if provider.mode == "wrong_key" else provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": KID}

            def get_client_claims(self, client):
                aud = "another-app" if provider.mode == "wrong_aud" else client.client_id
                return {"iss": provider.base, "aud": [aud]}

            def get_authorization_code_claims(self, authorization_code):
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.mode == "wrong_nonce":
                    claims["nonce"] = "a-nonce-the-app-never-sent"
                return claims

            def generate_user_info(self, user, scope):
                return UserInfo(user)

        server = Server()
        server.register_token_generator(
            "default",
            BearerTokenGenerator(lambda *a, **kw: secrets.token_urlsafe(32)),
        )
        server.register_grant(CodeGrant, [OpenID(require_nonce=True), CodeChallenge(True)])
        return server

    # --- WSGI -----------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def wsgi(self, environ, start_response):
        environ["provider.base"] = self.base
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        environ["provider.form"] = dict(parse_qsl(body))
        path = environ["PATH_INFO"]
        if path == "/.well-known/openid-configuration":
            status, payload, headers = 200, self.discovery(), []
        elif path == "/jwks":
            status, payload, headers = 200, {"keys": [self.key.as_dict(private=False)]}, []
        elif path == "/authorize":
            status, payload, headers = self.authorize(environ)
        elif path == "/token":
            self.token_requests.append(dict(environ["provider.form"]))
            status, payload, headers = self.server.create_token_response(environ)
        elif path == "/userinfo":
            token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
            user = self.tokens.get(token)
            status, payload, headers = (200, user, []) if user else (401, {"error": "x"}, [])
        else:
            status, payload, headers = 404, {"error": "not_found"}, []
        if isinstance(payload, dict):
            payload = json.dumps(payload)
            headers = [*headers, ("Content-Type", "application/json")]
        start_response(f"{status} X", [(str(k), str(v)) for k, v in headers])
        return [(payload or "").encode()]

    def authorize(self, environ):
        """The person in ``self.user`` is signed in at the provider and consents."""
        try:
            grant = self.server.get_consent_grant(request=environ, end_user=self.user)
        except OAuth2Error as exc:
            return 400, dict(exc.get_body()), []
        return self.server.create_authorization_response(
            request=environ, grant_user=self.user, grant=grant
        )
