"""Hostile input answers a clear 4xx, never a 500, and writes nothing: huge and
exponent amounts, deeply nested JSON, ids out of range, megabyte text, control and
text-direction characters, dates in year 1 or 9999."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from budgets.api import inputs as budget_inputs
from decisions.api import inputs
from governance.api.signoffs import SignOffDecideInput
from governance.audit.models import AuditEvent
from governance.organisations.models import Role
from governance.risks.api import inputs as risk_inputs

pytestmark = pytest.mark.django_db

CREATE_ENDPOINTS = [
    "/api/v1/proposals/",
    "/api/v1/allocations/",
    "/api/v1/risks/",
    "/api/v1/auth/token/",
]


@pytest.fixture
def user(icb, make_user):
    return make_user(icb, Role.SECRETARIAT, "sec.hostile")


@pytest.fixture
def api(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def post(api, path, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return api.post(path, body, content_type="application/json")


def errors(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["detail"]
    return body.get("errors", {})


# --- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, message",
    [
        ("1E+400", "too large"),
        ("9" * 400, "too long"),
        ("1E-400", "2 decimal places"),
        ("-1E+400", "negative"),
        ("NaN", "Enter an amount"),
        ("Infinity", "Enter an amount"),
        (1e308, "too large"),
    ],
)
def test_allocation_amounts_out_of_range_are_a_field_error(api, amount, message):
    before = AuditEvent.objects.count()
    response = post(api, "/api/v1/allocations/", {"amount": amount, "purpose": "Beds"})
    assert response.status_code == 400
    assert message in " ".join(errors(response)["amount"])
    assert AuditEvent.objects.count() == before


def test_a_json_number_too_large_for_a_float_is_refused(api):
    response = post(api, "/api/v1/allocations/", '{"amount": 1e400, "purpose": "Beds"}')
    assert response.status_code == 400
    assert "amount" in errors(response)


@pytest.mark.parametrize("amount", ["1E+400", "9" * 400, "1E-400"])
def test_proposal_values_out_of_range_are_a_field_error(api, amount):
    response = post(api, "/api/v1/proposals/", {"title": "Beds", "financial_value": amount})
    assert response.status_code == 400
    assert "financial_value" in errors(response)


# --- JSON nesting --------------------------------------------------------------------------


@pytest.mark.parametrize("path", CREATE_ENDPOINTS)
def test_deeply_nested_json_is_refused_on_every_create(api, path):
    response = post(api, path, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested deeper than" in json.loads(response.content)["detail"]


def test_every_api_view_parses_with_the_bounded_parsers():
    """A view that names its own parser_classes (as DRF's ObtainAuthToken does) would
    escape the limits: every view in the URL configuration is checked, new ones too."""
    from django.urls import URLResolver, get_resolver

    from governance.api import parsers

    bounded = (
        parsers.BoundedJSONParser,
        parsers.BoundedFormParser,
        parsers.BoundedMultiPartParser,
    )
    unbounded = []

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
                continue
            view = getattr(p.callback, "cls", None)
            for parser in getattr(view, "parser_classes", ()):
                if not issubclass(parser, bounded):
                    unbounded.append(f"{p.pattern}: {view.__name__} uses {parser.__name__}")

    walk(get_resolver().url_patterns)
    assert not unbounded, "\n".join(sorted(set(unbounded)))


def test_moderately_nested_json_past_the_depth_limit_is_refused(api):
    payload = {"title": "Beds"}
    for _ in range(30):
        payload = {"x": payload}
    response = post(api, "/api/v1/proposals/", payload)
    assert response.status_code == 400
    assert "nested deeper than 20" in json.loads(response.content)["detail"]


# --- ids out of range ----------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/meetings/?committee={HUGE}",
        f"/api/v1/allocations/?fund={HUGE}",
        f"/api/v1/risks/?organisation={HUGE}",
        f"/api/v1/proposals/{HUGE}/",
        f"/api/v1/allocations/{HUGE}/timeline/",
        f"/api/v1/meetings/{HUGE}/",
        f"/api/v1/committees/{HUGE}/",
        "/api/v1/meetings/?committee=%C2%B2",  # "²": isdigit() but not int()
        "/api/v1/committees/%C2%B2/",
    ],
)
def test_ids_out_of_range_in_the_api_answer_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404, response.content
    assert json.loads(response.content)["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"/proposals/{HUGE}/",
        f"/meetings/{HUGE}/",
        f"/public/meetings/{HUGE}/",
        f"/interests/?person={HUGE}",
        f"/risks/?organisation={HUGE}",
        "/interests/?person=%C2%B2",
    ],
)
def test_ids_out_of_range_on_pages_answer_404(user, path):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("decision_type", HUGE),
        ("decision_type", 10**30),
        ("decision_type", 1e300),
        ("affected_organisations", [HUGE]),
        ("lead_officer", -(10**30)),
    ],
)
def test_ids_out_of_range_in_a_body_are_a_field_error(api, field, value):
    response = post(api, "/api/v1/proposals/", {"title": "Beds", field: value})
    assert response.status_code == 400
    assert field in errors(response)


def test_too_many_ids_in_a_list_are_refused(api):
    response = post(
        api, "/api/v1/proposals/", {"title": "Beds", "affected_organisations": [1] * 501}
    )
    assert response.status_code == 400
    assert "at most 500" in " ".join(errors(response)["affected_organisations"])


# --- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/v1/proposals/", "summary"),
        ("/api/v1/proposals/", "rationale"),
        ("/api/v1/risks/", "cause"),
        ("/api/v1/allocations/", "purpose"),
    ],
)
def test_a_megabyte_of_text_is_refused_by_length(api, path, field):
    response = post(api, path, {field: "a" * 1_000_000})
    assert response.status_code == 400
    assert "20,000 characters" in " ".join(errors(response)[field])


@pytest.mark.parametrize(
    "serializer, field",
    [
        (SignOffDecideInput, "comment"),
        (inputs.ProposalWithdrawInput, "reason"),
        (inputs.ProposalRecordDecisionInput, "reason"),
        (risk_inputs.StatusInput, "reason"),
        (budget_inputs.AllocationSpendInput, "memo"),
    ],
)
def test_command_inputs_bound_their_text_too(serializer, field):
    data = serializer(data={field: "a" * 20_001})
    assert not data.is_valid()
    assert "characters" in " ".join(data.errors[field])  # its own limit, or 20,000
    data = serializer(data={field: "ok \u202e"})
    assert not data.is_valid()
    assert "cannot be shown safely" in " ".join(data.errors[field])


@pytest.mark.parametrize(
    "value",
    [
        "Beds \u202eredro kcab\u202c",  # right-to-left override
        "Beds \u2066isolate\u2069",
        "Beds\x07bell",
        "Beds\nsecond line",
        "Beds\x85next line (C1)",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/proposals/", "/api/v1/risks/"])
def test_titles_refuse_control_and_direction_characters(api, path, value):
    response = post(api, path, {"title": value})
    assert response.status_code == 400
    assert "cannot be shown safely" in " ".join(errors(response)["title"])


def test_multi_line_text_keeps_line_breaks_but_refuses_overrides(api):
    response = post(api, "/api/v1/proposals/", {"summary": "Line one.\r\nLine two.\tTabbed."})
    assert "summary" not in errors(response)
    response = post(api, "/api/v1/proposals/", {"summary": "Pay \u202e0001\u202c pounds"})
    assert "cannot be shown safely" in " ".join(errors(response)["summary"])


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_review_dates_outside_1900_to_2200_are_refused(api, value):
    response = post(api, "/api/v1/risks/", {"title": "Workforce", "next_review_date": value})
    assert response.status_code == 400
    assert "between 1900 and 2200" in " ".join(errors(response)["next_review_date"])


def test_dates_inside_the_range_pass_the_field_check(api):
    response = post(api, "/api/v1/risks/", {"title": "Workforce", "next_review_date": "2027-03-31"})
    assert "next_review_date" not in errors(response)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_decision_dates_outside_the_range_are_refused(api, value):
    response = post(api, "/api/v1/proposals/1/record-decision/", {"decided_on": value})
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "decided_on" in errors(response)
