"""Sign-in lockout (django-axes): per username and per client address, for the web
sign-in and the API token alike; the right password is refused while locked out; a
forged X-Forwarded-For is not a new address."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from governance.organisations.models import Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _limits(settings):
    cache.clear()
    settings.AXES_FAILURE_LIMIT = 5
    settings.API_TOKEN_RATE = "1000/minute"  # the lockout, not the throttle, is under test
    settings.NUM_PROXIES = 0


@pytest.fixture
def alice(make_org, make_user):
    return make_user(make_org(), Role.SIGNATORY, "alice")


def web_sign_in(username, password, address="192.0.2.10", **headers):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password}, **headers)
    return response, client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_good_password_signs_in(alice):
    response, client = web_sign_in("alice", "pw")
    assert response.status_code == 302 and signed_in(client)


def test_wrong_passwords_then_the_right_one_is_locked_out(alice):
    codes = [web_sign_in("alice", "wrong")[0].status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks
    response, client = web_sign_in("alice", "pw")
    assert response.status_code == 429
    assert not signed_in(client)
    assert b"Sign-in temporarily locked" in response.content


def test_lockout_per_user_follows_the_user_to_another_address(alice):
    for n in range(5):
        web_sign_in("alice", "wrong", address=f"192.0.2.{n + 1}")
    response, client = web_sign_in("alice", "pw", address="198.51.100.9")
    assert response.status_code == 429 and not signed_in(client)


def test_lockout_per_address_covers_every_username(alice, make_user):
    make_user(None, username="bob")
    for n in range(5):
        web_sign_in(f"guess{n}", "wrong", address="203.0.113.5")
    response, client = web_sign_in("bob", "pw", address="203.0.113.5")
    assert response.status_code == 429 and not signed_in(client)
    # bob from his own address is fine
    response, client = web_sign_in("bob", "pw", address="192.0.2.77")
    assert response.status_code == 302 and signed_in(client)


def test_forged_forwarded_for_does_not_escape_the_address_lockout(alice, make_user):
    make_user(None, username="bob")
    for n in range(5):
        web_sign_in(f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response, client = web_sign_in("bob", "pw", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429 and not signed_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.10"}


def test_behind_one_proxy_the_real_client_address_is_locked(alice, settings):
    settings.NUM_PROXIES = 1
    for n in range(5):
        web_sign_in(
            f"guess{n}", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.50"
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.50"}
    response, _ = web_sign_in(
        "alice", "pw", address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.50"
    )
    assert response.status_code == 429
    response, client = web_sign_in(
        "alice", "pw", address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.51"
    )
    assert response.status_code == 302 and signed_in(client)


def test_success_before_the_limit_resets_the_count(alice):
    for _ in range(4):
        web_sign_in("alice", "wrong")
    response, _ = web_sign_in("alice", "pw")
    assert response.status_code == 302
    for _ in range(4):
        web_sign_in("alice", "wrong")
    response, client = web_sign_in("alice", "pw")
    assert response.status_code == 302 and signed_in(client)


def test_lockout_ends_after_the_cool_off(alice, settings):
    for _ in range(5):
        web_sign_in("alice", "wrong")
    assert web_sign_in("alice", "pw")[0].status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )
    response, client = web_sign_in("alice", "pw")
    assert response.status_code == 302 and signed_in(client)


def test_token_endpoint_shares_the_lockout(alice):
    api = APIClient(REMOTE_ADDR="192.0.2.10")
    codes = [
        api.post(TOKEN, {"username": "alice", "password": "wrong"}, format="json").status_code
        for _ in range(5)
    ]
    assert codes == [400, 400, 400, 400, 429]
    r = api.post(TOKEN, {"username": "alice", "password": "pw"}, format="json")
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.json()["detail"]
    # …and the web sign-in is locked for alice too
    assert web_sign_in("alice", "pw", address="198.51.100.1")[0].status_code == 429


def test_admin_sign_in_is_locked_too(superuser):
    client = Client(REMOTE_ADDR="192.0.2.99")
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "root", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
