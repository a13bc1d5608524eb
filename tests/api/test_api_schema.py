"""The published OpenAPI schema: valid, warning-free and exact where clients trip."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_spectacular_validate_fail_on_warn_is_clean():
    """``manage.py spectacular --validate --fail-on-warn`` exits 0 (no warning, no
    enum name collision, valid OpenAPI 3)."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def _operations(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_request_bodies_are_json_only(schema):
    bodies = [
        (path, method, sorted(op["requestBody"]["content"]))
        for path, method, op in _operations(schema)
        if "requestBody" in op
    ]
    assert bodies, "the API has operations with bodies"
    assert [b for b in bodies if b[2] != ["application/json"]] == []


def test_token_request_does_not_ask_for_the_token(schema):
    body = schema["paths"]["/api/v1/auth/token/"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][ref]
    assert set(component["properties"]) == {"username", "password"}
    assert "token" not in component.get("required", [])


def test_token_scheme_declares_the_prefix(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["in"] == "header" and scheme["name"] == "Authorization"
    assert scheme["x-token-prefix"] == "Token"
    assert "Token <key>" in scheme["description"]


def test_every_operation_declares_its_error_answers(schema):
    missing = []
    for path, method, op in _operations(schema):
        responses = op["responses"]
        wanted = []
        if op.get("security"):
            wanted.append("401")
        if {} not in op.get("security", [{}]):
            wanted.append("403")
        if "{" in path:
            wanted.append("404")
        if method in {"post", "patch", "put", "delete"}:
            wanted.append("400")
        for code in wanted:
            content = responses.get(code, {}).get("content", {}).get("application/json", {})
            if content.get("schema", {}).get("$ref") != "#/components/schemas/Error":
                missing.append((method.upper(), path, code))
    assert missing == []


def test_register_entry_shapes_are_exclusive(schema):
    """A full entry cannot also match the confidential one: ``view`` tells them apart."""
    components = schema["components"]["schemas"]
    either = components["RegisterEntryOrConfidential"]
    assert either["discriminator"]["propertyName"] == "view"

    def view_values(name):
        prop = components[name]["properties"]["view"]
        prop = prop.get("allOf", [prop])[0]
        target = components[prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop else prop
        return target["enum"]

    assert view_values("RegisterEntry") == ["full"]
    assert view_values("ConfidentialEntry") == ["summary"]
    assert "view" in components["ConfidentialEntry"]["required"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ProposalDetail", "signoff_rule"),
        ("ProposalDetail", "decided_by"),
        ("Escalation", "outcome"),
        ("LedgerEntry", "allocation"),
        ("LedgerEntry", "scheme_line"),
    ],
)
def test_unset_values_are_nullable(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]
    refs = [p.get("$ref", "") for p in prop.get("oneOf", [])]
    assert prop.get("nullable") or "#/components/schemas/NullEnum" in refs, prop


@pytest.mark.parametrize(
    ("path", "method", "code"),
    [
        ("/api/v1/risks/heatmap/", "get", "200"),
        ("/api/v1/meetings/{id}/generate-packs/", "post", "202"),
    ],
)
def test_plain_lists_are_not_published_as_pages(schema, path, method, code):
    body = schema["paths"][path][method]["responses"][code]["content"]["application/json"]
    assert body["schema"]["type"] == "array"
