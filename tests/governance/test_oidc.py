"""Single sign-on end to end against a real OpenID Connect provider on loopback
(tests/governance/oidc_provider.py, built from authlib): discovery, the authorisation
code flow with PKCE, the ID token's signature, nonce and audience, invited people only;
and password sign-in switched off. The app's test client and the provider talk real
HTTP; the browser's redirects between them are followed by hand."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.oidc import discovery
from governance.oidc.config import oidc_settings_from_env
from governance.organisations import services as org_services
from governance.organisations.models import Role
from tests.governance.oidc_provider import Provider

User = get_user_model()
CLIENT_ID = "ics-governance-west-yorkshire"
CLIENT_SECRET = "not-a-real-secret-but-long-enough-0123456789"
CALLBACK = "http://testserver/accounts/oidc/callback/"


@pytest.fixture(scope="module")
def provider():
    running = Provider().start()
    running.register(CLIENT_ID, CLIENT_SECRET, CALLBACK)
    yield running
    running.stop()


@pytest.fixture
def oidc(settings, provider):
    discovery.forget()
    settings.OIDC_ENABLED = True
    settings.OIDC_OP_ISSUER = provider.base
    settings.OIDC_OP_DISCOVERY_URL = ""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    provider.mode = "normal"
    provider.user = {"sub": "entra-0001", "email": "alex.smith@nhs.net", "email_verified": True}
    yield provider
    discovery.forget()


@pytest.fixture
def invited(make_org, make_user):
    """Alex Smith, invited by the trust's secretariat as a signatory."""
    trust = make_org("Leeds Teaching Hospitals NHS Trust", identifier="RR8")
    user = make_user(trust, Role.SIGNATORY, "asmith")
    user.email = "Alex.Smith@nhs.net"  # the provider's case may differ
    user.save()
    return user


def start(client: Client, provider, next_url: str = "") -> tuple[str, dict]:
    """The app's redirect to the provider: its URL and query."""
    url = reverse("oidc-login") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith(f"{provider.base}/authorize?")
    return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def at_provider(location: str) -> str:
    """The browser at the provider (already signed in there): back to the app."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_to_app(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: Client, provider, next_url: str = ""):
    location, _ = start(client, provider, next_url)
    return back_to_app(client, at_provider(location))


def signed_in_as(client: Client):
    return client.get(reverse("home")).context["user"]


def signins():
    return AuditEvent.objects.filter(verb="account.signed_in").count()


# --- discovery ------------------------------------------------------------------------


def test_discovery_gives_the_endpoints_and_a_wrong_issuer_is_refused(oidc, settings):
    meta = discovery.metadata()
    assert meta["issuer"] == oidc.base
    assert discovery.oidc_setting("OIDC_OP_TOKEN_ENDPOINT") == f"{oidc.base}/token"
    assert discovery.oidc_setting("OIDC_OP_JWKS_ENDPOINT") == f"{oidc.base}/jwks"

    # A document that names another issuer is not trusted: no redirect, a clear page.
    discovery.forget()
    settings.OIDC_OP_DISCOVERY_URL = f"{oidc.base}/.well-known/openid-configuration"
    settings.OIDC_OP_ISSUER = "https://login.microsoftonline.com/another-tenant/v2.0"
    response = Client().get(reverse("oidc-login"))
    assert response.status_code == 503
    assert "not available" in response.content.decode()


def test_the_authorisation_request_carries_state_nonce_and_a_pkce_challenge(oidc, db):
    client = Client()
    _, query = start(client, oidc)
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    stored = client.session["oidc_states"][query["state"]]
    assert stored["nonce"] == query["nonce"]
    assert len(stored["code_verifier"]) >= 43


# --- the invited person ---------------------------------------------------------------


def test_an_invited_person_signs_in_lands_on_their_inbox_and_it_is_audited(oidc, invited):
    client = Client()
    # Their inbox asks them to sign in; the sign-in page offers the NHS account.
    to_login = client.get(reverse("signoffs:inbox"))
    assert to_login.status_code == 302
    page = client.get(to_login["Location"])
    body = page.content.decode()
    assert "Sign in with your NHS account" in body
    assert "next=%2Finbox%2F" in body

    response = sign_in(client, oidc, next_url="/inbox/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200
    assert signed_in_as(client) == invited
    # The code was exchanged with the PKCE verifier and our client's secret.
    exchange = oidc.token_requests[-1]
    assert exchange["code_verifier"] and exchange["client_id"] == CLIENT_ID
    event = AuditEvent.objects.filter(verb="account.signed_in").latest("seq")
    assert event.actor == invited
    assert event.changes == {"method": {"before": None, "after": "oidc"}}

    client.post(reverse("logout"))
    assert not signed_in_as(client).is_authenticated
    out = AuditEvent.objects.filter(verb="account.signed_out").latest("seq")
    assert out.actor == invited and out.changes["method"]["before"] == "oidc"


def test_the_provider_rejects_a_wrong_pkce_verifier_and_nobody_is_signed_in(oidc, invited):
    client = Client()
    location, query = start(client, oidc)
    callback = at_provider(location)
    # The verifier the app will send is not the one the challenge was made from.
    session = client.session
    session["oidc_states"][query["state"]]["code_verifier"] = "x" * 64
    session.save()
    before = signins()
    response = back_to_app(client, callback)
    assert response.status_code == 401
    assert "could not be signed in" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    assert signins() == before

    # Straight to the provider: a code with a challenge needs the right verifier.
    location, _ = start(Client(), oidc)
    code = parse_qs(urlsplit(at_provider(location)).query)["code"][0]
    answer = requests.post(
        f"{oidc.base}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": "y" * 64,
        },
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "mode",
    [
        "wrong_key",  # signed with a key that is not in the provider's JWKS
        "wrong_nonce",  # not the nonce this browser's sign-in sent
        "wrong_aud",  # an ID token issued to another application
    ],
)
def test_an_id_token_that_fails_its_checks_signs_nobody_in(oidc, invited, mode):
    oidc.mode = mode
    client = Client()
    before = signins()
    response = sign_in(client, oidc)
    assert response.status_code == 401
    assert "could not be signed in" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    assert signins() == before


def test_an_uninvited_email_is_refused_and_no_user_is_created(oidc, invited, make_user):
    oidc.user = {"sub": "entra-0099", "email": "stranger@nhs.net", "email_verified": True}
    users = User.objects.count()
    client = Client()
    response = sign_in(client, oidc)
    assert response.status_code == 401
    body = response.content.decode()
    assert "Ask your secretariat to invite you" in body and "stranger@nhs.net" in body
    assert not signed_in_as(client).is_authenticated
    assert User.objects.count() == users

    # An account without a membership in force is not an invited person either.
    never_a_member = make_user(None, username="former")
    never_a_member.email = "former.member@nhs.net"
    never_a_member.save()
    oidc.user = {"sub": "entra-0100", "email": "former.member@nhs.net", "email_verified": True}
    assert sign_in(Client(), oidc).status_code == 401


def test_a_person_whose_membership_ended_can_no_longer_sign_in(oidc, invited, superuser):
    membership = invited.memberships.get()
    org_services.membership_end(actor=superuser, membership=membership, reason="Left the trust")
    response = sign_in(Client(), oidc)
    assert response.status_code == 401
    assert "invite you" in response.content.decode()


def test_an_unverified_email_is_refused(oidc, invited):
    oidc.user = {**oidc.user, "email_verified": False}
    client = Client()
    response = sign_in(client, oidc)
    assert response.status_code == 401
    assert "not verified" in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_a_callback_this_browser_did_not_start_is_refused(oidc, invited):
    location, _ = start(Client(), oidc)  # another browser started it
    callback = at_provider(location)
    client = Client()
    client.get(reverse("oidc-login"))  # this browser has a sign-in of its own under way
    response = back_to_app(client, callback)
    assert response.status_code == 401
    assert not signed_in_as(client).is_authenticated


def test_single_sign_on_switched_off_is_not_there(settings, invited):
    settings.OIDC_ENABLED = False
    client = Client()
    assert client.get(reverse("oidc-login")).status_code == 404
    assert client.get(reverse("oidc-callback") + "?code=a&state=b").status_code == 404
    assert "NHS account" not in client.get(reverse("login")).content.decode()


# --- password sign-in -----------------------------------------------------------------


def test_password_sign_in_is_audited(invited):
    client = Client()
    response = client.post(reverse("login"), {"username": "asmith", "password": "pw"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(verb="account.signed_in").latest("seq")
    assert event.actor == invited and event.changes["method"]["after"] == "password"
    client.post(reverse("logout"))
    out = AuditEvent.objects.filter(verb="account.signed_out").latest("seq")
    assert out.actor == invited and out.changes["method"]["before"] == "password"


def test_password_sign_in_switched_off_everywhere(oidc, settings, invited, superuser):
    settings.PASSWORD_SIGNIN_ENABLED = False
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your NHS account" in page
    assert 'name="password"' not in page
    before = signins()
    response = client.post(reverse("login"), {"username": "asmith", "password": "pw"})
    assert response.status_code == 403
    assert "switched off" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    # The admin's sign-in and the password backend itself refuse it too.
    superuser.is_staff = True
    superuser.save()
    admin = Client()
    admin.post(reverse("admin:login"), {"username": "root", "password": "pw"})
    assert not signed_in_as(admin).is_authenticated
    assert not Client().login(username="asmith", password="pw")
    assert signins() == before
    # The NHS account still works.
    assert sign_in(client, oidc).status_code == 302
    assert signed_in_as(client) == invited


def test_break_glass_lets_only_a_superuser_in_at_the_admin(settings, invited, superuser):
    settings.PASSWORD_SIGNIN_ENABLED = False
    settings.PASSWORD_BREAK_GLASS = True
    settings.OIDC_ENABLED = True
    superuser.is_staff = True
    superuser.save()
    invited.is_staff = True
    invited.save()
    staff = Client()
    staff.post(reverse("admin:login"), {"username": "asmith", "password": "pw"})
    assert not signed_in_as(staff).is_authenticated
    web = Client()
    assert web.post(reverse("login"), {"username": "root", "password": "pw"}).status_code == 403
    root = Client()
    response = root.post(reverse("admin:login"), {"username": "root", "password": "pw"})
    assert response.status_code == 302
    assert signed_in_as(root) == superuser
    event = AuditEvent.objects.filter(verb="account.signed_in").latest("seq")
    assert event.actor == superuser
    assert event.changes["method"]["after"] == "password-break-glass"
    root.post(reverse("admin:logout"))
    assert not signed_in_as(root).is_authenticated
    out = AuditEvent.objects.filter(verb="account.signed_out").latest("seq")
    assert out.actor == superuser and out.changes["method"]["before"] == "password-break-glass"


# --- configuration --------------------------------------------------------------------


def test_configuration_from_the_environment_fails_loudly(monkeypatch):
    for name in ("OIDC_OP_ISSUER", "OIDC_OP_DISCOVERY_URL", "OIDC_RP_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OIDC_ENABLED", "true")
    with pytest.raises(ImproperlyConfigured, match="OIDC_OP_ISSUER"):
        oidc_settings_from_env()
    monkeypatch.setenv("OIDC_OP_ISSUER", "https://login.microsoftonline.com/tenant/v2.0/")
    with pytest.raises(ImproperlyConfigured, match="OIDC_RP_CLIENT_ID"):
        oidc_settings_from_env()
    monkeypatch.setenv("OIDC_RP_CLIENT_ID", "abc")
    monkeypatch.setenv("OIDC_RP_CLIENT_SECRET", "def")
    values = oidc_settings_from_env()
    assert values["OIDC_OP_ISSUER"] == "https://login.microsoftonline.com/tenant/v2.0"
    assert values["OIDC_USE_PKCE"] and values["OIDC_USE_NONCE"]
    assert values["OIDC_RP_SIGN_ALGO"] == "RS256" and not values["OIDC_CREATE_USER"]
    monkeypatch.setenv("OIDC_ENABLED", "false")
    monkeypatch.setenv("PASSWORD_SIGNIN_ENABLED", "false")
    with pytest.raises(ImproperlyConfigured, match="nobody could sign in"):
        oidc_settings_from_env()
