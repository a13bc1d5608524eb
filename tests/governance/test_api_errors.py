"""Every error under /api/ is JSON ({"detail": …}): unknown paths (404), bodies over the
limit (413), crashes (500) and a database outage (503 with Retry-After). Pages outside
/api/ keep HTML, but an outage answers 503 with Retry-After there too."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from rest_framework.test import APIClient

from governance.api import signoffs
from governance.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(icb, make_user):
    return make_user(icb, Role.SECRETARIAT, "sec.errors")


@pytest.fixture
def api(member):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(member)
    return client


def detail(response) -> str:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert isinstance(body.get("detail"), str) and body["detail"]
    return body["detail"]


@pytest.mark.parametrize(
    "path",
    ["/api/", "/api/v1/", "/api/v1/no-such-thing/", "/api/v2/proposals/", "/api/v1/proposals/x/"],
)
def test_unknown_api_paths_answer_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert detail(response) == "Not found."


def test_unknown_api_paths_answer_json_404_to_anonymous_callers_too():
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert detail(response) == "Not found."


def test_unknown_pages_outside_the_api_stay_html():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_json_body_over_the_limit_answers_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"title": "x" * 20_000})
    response = api.post("/api/v1/proposals/", body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in detail(response)
    assert "10,000 bytes" in detail(response)


def test_a_form_body_is_refused_415_json_only(settings):
    """The API takes JSON bodies only: a form (of any size) is 415, in JSON."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    for body in ("username=a&password=b", "username=a&password=" + "p" * 20_000):
        response = Client().post(
            "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 415
        assert "Unsupported media type" in detail(response)


def test_the_413_is_given_even_when_the_declared_length_alone_is_over(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post(
        "/api/v1/proposals/", "{}", content_type="application/json", CONTENT_LENGTH="999999"
    )
    assert response.status_code == 413


def test_a_crash_in_an_api_view_answers_json_500_with_the_request_id(api, monkeypatch):
    def boom(self, request, *args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(signoffs.SignOffViewSet, "list", boom)
    response = api.get("/api/v1/signoffs/", HTTP_X_REQUEST_ID="req-500-test")
    assert response.status_code == 500
    assert "could not be completed" in detail(response)
    assert json.loads(response.content)["request_id"] == "req-500-test"
    assert "simulated bug" not in response.content.decode()


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when the database server is unreachable."""

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    def switch():
        monkeypatch.setattr(CursorWrapper, "execute", down)
        monkeypatch.setattr(CursorWrapper, "executemany", down)

    return switch


def test_an_outage_during_an_api_request_answers_503_with_retry_after(api, database_down):
    database_down()
    response = api.get("/api/v1/proposals/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in detail(response)


def test_an_outage_while_authenticating_a_token_answers_503_json(database_down):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    database_down()
    response = client.get("/api/v1/signoffs/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    detail(response)


def test_an_outage_outside_a_drf_view_under_api_answers_json_503(member, database_down):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    database_down()  # the session cannot be read: fails before any API view runs
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code in (404, 503)
    detail(response)
    response = client.post("/api/v1/proposals/", "{}", content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    detail(response)


def test_an_outage_on_a_web_page_answers_503_html_with_retry_after(member, database_down):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    database_down()
    response = client.get("/proposals/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")


def test_method_not_allowed_and_unauthenticated_stay_json(api):
    response = api.delete("/api/v1/signoffs/")
    assert response.status_code == 405
    detail(response)
    response = Client().get("/api/v1/signoffs/")
    assert response.status_code in (401, 403)
    detail(response)
