"""Pages on the NHS.UK foundation: anonymous visitors sent to sign in, the sign-in's
errors announced in one round, flash messages in a real page, the audit trail in words,
and the NHS.UK frontend served by a live server."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from governance.organisations.models import OrganisationKind, Role

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<div class="nhsuk-error-summary"[^>]*>\s*<div role="alert">')


@pytest.fixture
def people(make_org, make_user, icb):
    trust = make_org("Acute Trust", OrganisationKind.NHS_TRUST)
    signatory = make_user(trust, Role.SIGNATORY, username="acute.signatory")
    signatory.first_name, signatory.last_name = "Priya", "Shah"
    signatory.set_password("right-password-2026")
    signatory.save()
    return {
        "trust": trust,
        "signatory": signatory,
        "secretariat": make_user(icb, Role.SECRETARIAT),
        "auditor": make_user(icb, Role.AUDITOR),
    }


# --- anonymous visitors -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/workflow/", "/inbox/", "/audit/", "/manage/"])
def test_anonymous_visitors_are_sent_to_sign_in(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_signed_in_people_without_the_right_still_get_403(people):
    client = Client()
    client.force_login(people["signatory"])
    assert client.get("/workflow/").status_code == 403
    assert client.get("/manage/").status_code == 403


def test_the_api_keeps_its_json_refusal():
    response = Client().get("/api/v1/signoffs/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


# --- sign-in ----------------------------------------------------------------------------


def test_a_wrong_password_is_announced_in_an_error_summary(people):
    response = Client().post(
        "/accounts/login/", {"username": "acute.signatory", "password": "wrong"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert SUMMARY.search(html), "an error summary with role=alert, focused by its JS"
    assert 'data-module="nhsuk-error-summary"' in html
    assert "Please enter a correct username and password" in html
    assert html.count("nhsuk-error-summary__list") == 1


def test_sign_in_reports_every_missing_field_in_one_round(people):
    html = Client().post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert SUMMARY.search(html)
    assert 'href="#id_username"' in html and 'href="#id_password"' in html
    assert html.count('class="nhsuk-error-message"') == 2
    assert html.count('aria-invalid="true"') == 2


def test_sign_in_then_the_header_names_the_person(people):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "acute.signatory", "password": "right-password-2026"},
        follow=True,
    )
    html = response.content.decode()
    assert "Priya Shah" in html and "Acute Trust (authorised signatory)" in html
    assert "Sign out" in html


# --- flash messages in a page -----------------------------------------------------------


def page_with(level: int, text: str) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.add_message(request, level, text)
    return render_to_string("governance/home.html", request=request)


def test_flash_messages_keep_list_semantics_and_their_level():
    html = page_with(messages.WARNING, "Escalated to the board.")
    assert 'role="status"' in html
    assert not re.search(r"<ul[^>]*role=", html), "no role on a list (axe: listitem)"
    warning = html[html.index("app-messages") :]
    assert "nhsuk-card--warning" in warning.split("</main>")[0]
    assert "notification-banner--success" not in html
    assert "notification-banner--success" in page_with(messages.SUCCESS, "Saved.")


# --- the audit trail in words -----------------------------------------------------------


def test_audit_trail_shows_sentences_and_names_not_codes_and_usernames(people, superuser):
    superuser.first_name, superuser.last_name = "Alex", "Morgan"
    superuser.save()
    client = Client()
    client.force_login(people["auditor"])
    html = client.get("/audit/").content.decode()
    body = html[html.index("<tbody") :]
    whats = re.findall(r"What </span>([^<]*)</td>", body)
    whos = set(re.findall(r"Who </span>([^<]*)</td>", body))
    assert "Organisation added" in whats
    assert "Membership added: authorised signatory" in whats
    assert not [w for w in whats if "." in w or "_" in w], whats  # no machine codes
    assert whos == {"Alex Morgan"}  # the person's name, not the username "root"
    assert "membership.created" not in body and ">root<" not in body


# --- the NHS.UK frontend served by a live server -----------------------------------------


def test_live_server_serves_the_nhsuk_frontend(live_server):
    css = f"{live_server.url}/static/nhsuk/nhsuk-frontend.min.css"
    with urllib.request.urlopen(css) as r:  # noqa: S310 (http on loopback)
        assert r.status == 200
        assert "text/css" in r.headers["Content-Type"]
        assert b".nhsuk-header" in r.read()
    with urllib.request.urlopen(f"{live_server.url}/static/js/app.js") as r:  # noqa: S310
        assert b"initAll" in r.read()
