"""API tokens expire, end with a password change, are revoked on request, are listed for
their owner only, and are never stored or logged in clear."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.organisations.models import Role
from governance.tokens.models import ApiToken
from governance.tokens.services import MAX_LIVE_TOKENS, api_token_revoke, hash_key

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
SIGNOFFS = "/api/v1/signoffs/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def alice(make_org, make_user):
    return make_user(make_org(), Role.SIGNATORY, "alice")


def issue(username="alice", password="pw") -> dict:  # noqa: S107 - test fixture password
    r = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert r.status_code == 200, r.content
    return r.json()


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_issue_gives_a_new_key_each_time_with_its_expiry(alice, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()
    first, second = issue(), issue()
    assert first["token"] != second["token"]
    expires = datetime.datetime.fromisoformat(first["expires_at"])
    assert datetime.timedelta(days=30) <= expires - before < datetime.timedelta(days=30, minutes=1)
    # only hashes are stored; the key appears in no column and no audit event
    stored = ApiToken.objects.get(key_hash=hash_key(first["token"]))
    assert stored.user == alice and stored.prefix == first["token"][:8]
    assert not ApiToken.objects.filter(key_hash=first["token"]).exists()
    events = AuditEvent.objects.filter(verb="api_token.issued", target_id=str(alice.pk))
    assert events.count() == 2
    assert first["token"] not in json.dumps([e.as_record() for e in events])
    call_command("verify_audit")


def test_token_response_is_never_cached(alice):
    r = APIClient().post(TOKEN, {"username": "alice", "password": "pw"}, format="json")
    assert "no-store" in r["Cache-Control"]


def test_expired_token_is_refused(alice, settings):
    key = issue()["token"]
    assert client_with(key).get(SIGNOFFS).status_code == 200
    ApiToken.objects.filter(key_hash=hash_key(key)).update(
        created_at=timezone.now() - datetime.timedelta(days=31),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    r = client_with(key).get(SIGNOFFS)
    assert r.status_code == 401
    assert r.json()["detail"] == "Token has expired; request a new one."


def test_expiry_is_configurable(alice, settings):
    settings.API_TOKEN_DAYS = 2
    key = issue()["token"]
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert token.expires_at - token.created_at == datetime.timedelta(days=2)


def test_password_change_ends_every_token(alice):
    keys = [issue()["token"], issue()["token"]]
    alice.set_password("a-new-long-passphrase")
    alice.save()
    for key in keys:
        r = client_with(key).get(SIGNOFFS)
        assert r.status_code == 401
        assert "password change" in r.json()["detail"]
    # the old password no longer gets a token; the new one does, and it works
    r = APIClient().post(TOKEN, {"username": "alice", "password": "pw"}, format="json")
    assert r.status_code == 400
    fresh = issue(password="a-new-long-passphrase")["token"]
    assert client_with(fresh).get(SIGNOFFS).status_code == 200
    states = {t["prefix"]: t["state"] for t in client_with(fresh).get(TOKENS).json()}
    assert states == {
        keys[0][:8]: "password_changed",
        keys[1][:8]: "password_changed",
        fresh[:8]: "active",
    }


def test_delete_revokes_the_calling_token_only(alice):
    keep, drop = issue()["token"], issue()["token"]
    r = client_with(drop).delete(TOKEN)
    assert r.status_code == 204
    r = client_with(drop).get(SIGNOFFS)
    assert r.status_code == 401 and r.json()["detail"] == "Token has been revoked."
    assert client_with(keep).get(SIGNOFFS).status_code == 200
    assert client_with(drop).delete(TOKEN).status_code == 401  # cannot revoke twice
    revoked = AuditEvent.objects.get(verb="api_token.revoked")
    assert revoked.actor == alice and revoked.changes["prefix"] == drop[:8]
    assert drop not in json.dumps(revoked.as_record())


def test_delete_without_a_token_is_401(alice):
    assert APIClient().delete(TOKEN).status_code == 401
    session = APIClient()
    session.force_login(alice)  # a browser session is not a token to revoke
    assert session.delete(TOKEN).status_code == 401


def test_list_shows_own_tokens_with_state_and_never_a_key(alice, make_user):
    first = issue()["token"]
    second = issue()["token"]
    make_user(None, username="bob")
    bob_key = issue("bob")["token"]
    client_with(first).delete(TOKEN)
    listed = client_with(second).get(TOKENS).json()
    assert [t["prefix"] for t in listed] == [second[:8], first[:8]]
    assert [t["state"] for t in listed] == ["active", "revoked"]
    assert [t["current"] for t in listed] == [True, False]
    assert listed[0]["last_used_at"] is not None
    body = json.dumps(listed)
    assert second not in body and first not in body and bob_key[:8] not in body
    assert APIClient().get(TOKENS).status_code == 401


def test_revoke_one_of_my_tokens_by_id_but_not_someone_elses(alice, make_user):
    mine = issue()["token"]
    other = issue()["token"]
    make_user(None, username="bob")
    bob_key = issue("bob")["token"]
    bob_token = ApiToken.objects.get(key_hash=hash_key(bob_key))
    other_token = ApiToken.objects.get(key_hash=hash_key(other))
    client = client_with(mine)
    assert client.delete(f"{TOKENS}{bob_token.pk}/").status_code == 404
    assert client_with(bob_key).get(SIGNOFFS).status_code == 200
    assert client.delete(f"{TOKENS}{other_token.pk}/").status_code == 204
    assert client_with(other).get(SIGNOFFS).status_code == 401
    with pytest.raises(Exception, match="only your own"):
        api_token_revoke(actor=alice, token=bob_token)


def test_at_most_ten_live_tokens_oldest_revoked(alice):
    keys = [issue()["token"] for _ in range(MAX_LIVE_TOKENS + 2)]
    live = ApiToken.objects.filter(user=alice, revoked_at__isnull=True)
    assert live.count() == MAX_LIVE_TOKENS
    assert client_with(keys[0]).get(SIGNOFFS).status_code == 401
    assert client_with(keys[-1]).get(SIGNOFFS).status_code == 200


def test_inactive_user_token_is_refused(alice):
    key = issue()["token"]
    alice.is_active = False
    alice.save()
    assert client_with(key).get(SIGNOFFS).status_code == 401


def test_garbage_authorization_headers_are_401(alice):
    for header in ("Token", "Token a b", "Token " + "x" * 500, "Bearer abc"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get(SIGNOFFS).status_code == 401, header


def test_throttle_keyed_on_real_address_not_forwarded_header(alice, settings):
    settings.API_TOKEN_RATE = "3/minute"
    settings.NUM_PROXIES = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    client = APIClient()
    codes = [
        client.post(
            TOKEN,
            {"username": "alice", "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]


def test_throttle_behind_one_proxy_uses_the_address_the_proxy_saw(alice, settings):
    settings.API_TOKEN_RATE = "2/minute"
    settings.NUM_PROXIES = 1

    def attempt(forwarded):
        return APIClient().post(
            TOKEN,
            {"username": "alice", "password": "guess"},
            format="json",
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    # The client forges a left-most entry; the proxy appends the real address (right-most).
    assert [attempt(f"198.51.100.{n}, 192.0.2.7") for n in range(3)] == [400, 400, 429]
    assert attempt("192.0.2.8") == 400  # another real client is not throttled
