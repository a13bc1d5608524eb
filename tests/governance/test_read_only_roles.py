"""Auditors read, never write: every change they ask for is refused before any view runs
(``governance.middleware.ReadOnlyRolesMiddleware``), by page and by API token alike; the
permission matrix sends every route each write method on top of these."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from governance import permissions
from governance.audit.models import AuditEvent
from governance.organisations.models import Role
from governance.tokens.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(icb, make_user):
    return make_user(icb, Role.AUDITOR, username="auditor")


def test_only_people_whose_every_role_is_auditor_are_read_only(icb, make_org, make_user, auditor):
    trust = make_org("Trust")
    both = make_user(icb, Role.AUDITOR)
    member = make_user(trust, Role.MEMBER)
    assert permissions.is_read_only(auditor)
    assert not permissions.is_read_only(member)
    # an auditor who is also a member elsewhere acts in that role too
    from governance.organisations import services as org_services

    org_services.membership_create(
        actor=make_user(icb, Role.SECRETARIAT),
        user=both,
        organisation=trust,
        role=Role.MEMBER,
        start_date=datetime.date(2020, 1, 1),
    )
    assert not permissions.is_read_only(both)
    ended = make_user(icb, Role.AUDITOR, end_date=datetime.date(2020, 6, 1))
    assert not permissions.is_read_only(ended)  # no active role at all: nothing to refuse


def test_an_auditors_page_post_is_refused_and_writes_nothing(auditor):
    client = Client()
    client.force_login(auditor)
    before = AuditEvent.objects.count()
    response = client.post("/proposals/new/", {"title": "An auditor's proposal"})
    assert response.status_code == 403
    assert b"read-only" in response.content
    assert AuditEvent.objects.count() == before


def test_an_auditors_token_is_refused_every_api_change_as_json(auditor):
    _token, key = api_token_issue(actor=auditor)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/proposals/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Your role is read-only")
    assert client.get("/api/v1/proposals/").status_code == 200  # reading is fine
    # an unknown token is left to the API to answer (401), not refused here
    stranger = Client(HTTP_AUTHORIZATION="Token not-a-key")
    refused = stranger.post("/api/v1/proposals/", {}, content_type="application/json")
    assert refused.status_code == 401


def test_an_auditor_may_still_sign_out_and_manage_their_own_token(auditor):
    client = Client()
    client.force_login(auditor)
    assert client.post("/accounts/logout/").status_code == 302
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": "auditor", "password": "pw"},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    key = response.json()["token"]
    revoke = Client(HTTP_AUTHORIZATION=f"Token {key}").delete("/api/v1/auth/token/")
    assert revoke.status_code == 204
