"""What the published OpenAPI schema says beyond what drf-spectacular infers.

- The token scheme: ``Authorization: Token <key>`` (``ExpiringTokenAuthentication``).
- ``ConstField``: a read-only field that is always one value, published as a one-value
  enum, so a ``oneOf`` of two shapes is exclusive (the decision register's full and
  confidential entries carry ``view``).
- ``error_answers``: a postprocessing hook that gives every operation its error answers
  in the shape of ``governance.api.errors`` (``{"detail": …, "errors": {…}}``): 401 on
  every operation (a bad token is refused even on public ones), 403 where the
  operation needs a signed-in caller, 404 where the path names a record (or a page
  number past the last),
  400 for every write (and a read with query parameters), unless the view says more.
"""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers

ERROR_COMPONENT = "Error"
WRITES = {"post", "put", "patch", "delete"}
DESCRIPTIONS = {
    "400": "Bad input: ``detail`` says what, ``errors`` by field.",
    "401": "No credentials, or a token expired, revoked or unknown.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record, or not one the caller may see.",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "governance.tokens.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"
    priority = 1  # over drf-spectacular's own for TokenAuthentication subclasses

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.keyword
        )
        scheme["description"] = (
            f"Send `Authorization: {self.target.keyword} <key>` (the prefix is required); a "
            "key comes from POST /api/v1/auth/token/ and expires after API_TOKEN_DAYS days."
        )
        scheme["x-token-prefix"] = self.target.keyword
        return scheme


class ConstField(serializers.Field):
    """Always ``value`` (read-only): a discriminator between output shapes."""

    def __init__(self, value: str, **kwargs):
        self.value = value
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, _instance) -> str:
        return self.value


class ConstFieldScheme(OpenApiSerializerFieldExtension):
    target_class = ConstField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": [self.target.value]}


def _needs_auth(operation: dict) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security


def error_answers(result, generator, request, public):
    """Postprocessing hook: declare each operation's error answers (see the module)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_COMPONENT not in schemas:
        return result
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", *WRITES}:
                continue
            codes = []
            if "security" in operation:  # a bad token is refused even on public operations
                codes.append("401")
            if _needs_auth(operation):
                codes.append("403")
            queried = {
                p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"
            }
            if "{" in path or "page" in queried:  # a record, or a page past the last
                codes.append("404")
            if method in WRITES or queried:
                codes.append("400")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {"content": {"application/json": {"schema": ref}}, "description": ""},
                )
                if not responses[code].get("description"):
                    responses[code]["description"] = DESCRIPTIONS[code]
    return result
