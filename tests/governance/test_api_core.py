"""The API's shared parts: token authentication, the OpenAPI schema, JSON errors, and the
sign-off endpoints, which serve every subject type through the subject registry."""

from __future__ import annotations

import json

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from governance import subjects
from governance.audit.models import AuditEvent
from governance.organisations.models import Organisation, OrganisationKind, Role
from governance.organisations.services import membership_end
from governance.signoffs.models import SignOff
from governance.tokens.models import ApiToken
from governance.tokens.services import hash_key

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
SIGNOFFS = "/api/v1/signoffs/"
REQUIRED_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/proposals/",
    "/api/v1/proposals/{id}/",
    "/api/v1/proposals/{id}/submit/",
    "/api/v1/proposals/{id}/withdraw/",
    "/api/v1/proposals/{id}/review/",
    "/api/v1/proposals/{id}/record-decision/",
    "/api/v1/proposals/{id}/timeline/",
    "/api/v1/signoffs/",
    "/api/v1/signoffs/{id}/",
    "/api/v1/signoffs/{id}/decide/",
    "/api/v1/decisions/",
]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def signed_in(user) -> APIClient:
    client = APIClient()
    r = client.post(TOKEN, {"username": user.username, "password": "pw"}, format="json")
    assert r.status_code == 200, r.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    return client


# --- tokens ---------------------------------------------------------------------------------


def test_token_for_good_credentials_is_issued_and_audited(make_org, make_user):
    user = make_user(make_org(), Role.SIGNATORY, "alice")
    client = APIClient()
    first = client.post(TOKEN, {"username": "alice", "password": "pw"}, format="json")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert set(first.json()) == {"token", "expires_at"}
    key = first.json()["token"]
    assert ApiToken.objects.get(user=user).key_hash == hash_key(key)  # only a hash is kept
    # form-encoded works too, and gives a new token (expiry, revocation: test_security_tokens)
    again = client.post(TOKEN, {"username": "alice", "password": "pw"})
    assert again.status_code == 200 and again.json()["token"] != key
    issued = AuditEvent.objects.filter(verb="api_token.issued", target_id=str(user.pk))
    assert issued.count() == 2
    assert key not in json.dumps([e.as_record() for e in issued])  # the secret is never logged
    call_command("verify_audit")

    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(SIGNOFFS).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "alice", "password": "wrong"}, "non_field_errors"),
        ({"username": "nobody", "password": "pw"}, "non_field_errors"),
        ({"username": "alice"}, "password"),
        ({}, "username"),
    ],
)
def test_bad_credentials_are_a_400_json_error(make_org, make_user, body, field):
    make_user(make_org(), Role.SIGNATORY, "alice")
    r = APIClient().post(TOKEN, body, format="json")
    assert r.status_code == 400
    data = r.json()
    assert field in data["errors"]
    assert data["detail"]
    if field == "non_field_errors":
        assert data["detail"] == "Unable to log in with provided credentials."
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(make_org, make_user):
    user = make_user(make_org(), Role.SIGNATORY, "alice")
    user.is_active = False
    user.save()
    r = APIClient().post(TOKEN, {"username": "alice", "password": "pw"}, format="json")
    assert r.status_code == 400


def test_bad_or_missing_token_is_a_401_json_error(make_org, make_user):
    client = APIClient()
    r = client.get(SIGNOFFS)
    assert r.status_code == 401 and r.json()["detail"]
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    r = client.get(SIGNOFFS)
    assert r.status_code == 401 and r.json()["detail"] == "Invalid token."


def test_token_requests_are_throttled(make_org, make_user, settings):
    settings.API_TOKEN_RATE = "3/minute"
    make_user(make_org(), Role.SIGNATORY, "alice")
    client = APIClient()
    codes = [
        client.post(TOKEN, {"username": "alice", "password": "guess"}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    r = client.post(TOKEN, {"username": "alice", "password": "pw"}, format="json")
    assert r.status_code == 429 and "throttled" in r.json()["detail"]


# --- the schema ---------------------------------------------------------------------------


def test_schema_is_served_as_yaml_and_json_with_every_path():
    client = APIClient()
    as_yaml = client.get("/api/schema/")
    assert as_yaml.status_code == 200
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    doc = yaml.safe_load(as_yaml.content)
    assert doc["openapi"].startswith("3.")
    as_json = client.get("/api/schema/?format=json")
    assert as_json.status_code == 200
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    doc_json = json.loads(as_json.content)
    assert doc_json["paths"].keys() == doc["paths"].keys()
    for path in REQUIRED_PATHS:
        assert path in doc_json["paths"], path
    decide = doc_json["paths"]["/api/v1/signoffs/{id}/decide/"]["post"]
    assert "400" in decide["responses"] and "404" in decide["responses"]
    assert doc_json["paths"]["/api/v1/proposals/{id}/"].keys() >= {"get", "patch"}
    assert "put" not in doc_json["paths"]["/api/v1/proposals/{id}/"]
    assert doc_json["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"


def test_schema_validates(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(out))
    assert "/api/v1/proposals/{id}/record-decision/" in out.read_text()


# --- sign-offs of any subject type ------------------------------------------------------


@pytest.fixture
def fund_subject(make_org, monkeypatch):
    """A subject type other than proposals (standing in for a pooled-fund allocation)."""
    subject = make_org("Better Care Fund", OrganisationKind.OTHER, "BCF01")
    monkeypatch.setitem(
        subjects._REGISTRY,
        "organisations.organisation",
        subjects.SubjectType(
            model=Organisation,
            parties=lambda o: [o],
            label=lambda o: f"ALLOC-2026-0001 {o.name}",
            url=lambda o: f"/funds/{o.pk}/",
        ),
    )
    return subject


def test_signoffs_of_other_subject_types(make_org, make_user, icb, fund_subject):
    alpha = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RX1")
    beta = make_org("Beta Council", OrganisationKind.LOCAL_AUTHORITY, "E08000099")
    mine = SignOff.objects.create(subject=fund_subject, round=1, organisation=alpha)
    theirs = SignOff.objects.create(subject=fund_subject, round=1, organisation=beta)
    alpha_sign = signed_in(make_user(alpha, Role.SIGNATORY, "alpha_sign"))

    inbox = alpha_sign.get(SIGNOFFS).json()
    assert inbox["count"] == 1
    row = inbox["results"][0]
    assert row["id"] == mine.pk
    assert row["subject"] == {
        "type": "organisations.organisation",
        "id": fund_subject.pk,
        "label": "ALLOC-2026-0001 Better Care Fund",
        "url": f"/funds/{fund_subject.pk}/",
    }
    assert row["organisation"]["name"] == "Alpha Trust" and row["status"] == "pending"

    detail = alpha_sign.get(f"{SIGNOFFS}{mine.pk}/").json()
    assert detail["subject"]["label"] == "ALLOC-2026-0001 Better Care Fund"
    assert detail["conflicts"] == []
    assert alpha_sign.get(f"{SIGNOFFS}{theirs.pk}/").status_code == 404
    r = alpha_sign.post(f"{SIGNOFFS}{theirs.pk}/decide/", {"outcome": "approve"}, format="json")
    assert r.status_code == 404

    for role in (Role.SECRETARIAT, Role.AUDITOR):
        client = signed_in(make_user(icb, role))
        for signoff in (mine, theirs):
            assert client.get(f"{SIGNOFFS}{signoff.pk}/").status_code == 200
        assert client.get(SIGNOFFS).json()["count"] == 0  # not their organisation's to sign
    member = signed_in(make_user(alpha, Role.MEMBER))
    assert member.get(f"{SIGNOFFS}{mine.pk}/").status_code == 404
    assert member.get(SIGNOFFS).json()["count"] == 0

    # a subject type that is not registered still reads sensibly
    subjects._REGISTRY.pop("organisations.organisation")
    assert alpha_sign.get(f"{SIGNOFFS}{mine.pk}/").json()["subject"]["label"] == str(fund_subject)


def test_ended_membership_loses_the_signoff_at_once(make_org, make_user, superuser, fund_subject):
    alpha = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RX1")
    signoff = SignOff.objects.create(subject=fund_subject, round=1, organisation=alpha)
    user = make_user(alpha, Role.SIGNATORY, "alpha_sign")
    client = signed_in(user)
    assert client.get(f"{SIGNOFFS}{signoff.pk}/").status_code == 200
    membership_end(actor=superuser, membership=user.memberships.get(), reason="Left")
    assert client.get(f"{SIGNOFFS}{signoff.pk}/").status_code == 404
    assert client.get(SIGNOFFS).json()["count"] == 0
