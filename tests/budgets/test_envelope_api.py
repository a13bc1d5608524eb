"""The envelope's API endpoints, named exactly: /api/v1/envelopes/, {id}/position/,
/api/v1/envelope-submissions/, /api/v1/capital-schemes/ — scoped reads (404 for
non-parties), commands through the services, JSON errors by field."""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from budgets.models import MonthlyReturn
from budgets.services import envelope_returns

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(make_envelope):
    envelope = make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 11, 20))
    return envelope


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submission(envelope, org, **kw):
    return {
        "envelope": envelope.pk,
        "month": 7,
        "organisation": org.pk,
        "ytd_income": "361000000.00",
        "ytd_expenditure": "368000000.00",
        "forecast_income": "620000000.00",
        "forecast_expenditure": "636000000.00",
        **kw,
    }


def test_envelopes_list_detail_and_scoping(opened, env_parties):
    p = env_parties
    body = api(p["mh_lead"]).get("/api/v1/envelopes/").json()
    assert [e["reference"] for e in body["results"]] == [opened.reference]
    detail = api(p["mh_lead"]).get(f"/api/v1/envelopes/{opened.pk}/").json()
    assert detail["capital_total"] == "60000000.00"
    assert sum(Decimal(line["capital_allocation"]) for line in detail["lines"]) == Decimal(
        detail["capital_total"]
    )
    assert api(p["outsider"]).get("/api/v1/envelopes/").json()["results"] == []
    assert api(p["outsider"]).get(f"/api/v1/envelopes/{opened.pk}/").status_code == 404
    assert api(p["outsider"]).get(f"/api/v1/envelopes/{opened.pk}/position/").status_code == 404
    assert APIClient().get("/api/v1/envelopes/").status_code in (401, 403)


def test_submission_then_position(opened, env_parties):
    p = env_parties
    response = api(p["acute_lead"]).post(
        "/api/v1/envelope-submissions/", submission(opened, p["acute"]), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "api" and response.json()["status"] == "submitted"
    position = api(p["icb_sec"]).get(f"/api/v1/envelopes/{opened.pk}/position/").json()
    assert position["month"] == 7
    acute = next(r for r in position["rows"] if r["organisation_id"] == p["acute"].pk)
    assert acute["forecast_variance"] == "-7500000.00"
    assert acute["forecast_variance_percent"] == "-1.19"
    assert position["total"]["forecast_variance"] == "-7500000.00"
    earlier = api(p["icb_sec"]).get(f"/api/v1/envelopes/{opened.pk}/position/?month=3").json()
    assert earlier["month"] == 3 and earlier["total"]["forecast_variance"] == "0.00"
    bad = api(p["icb_sec"]).get(f"/api/v1/envelopes/{opened.pk}/position/?month=13")
    assert bad.status_code == 400 and "month" in bad.json()["errors"]


def test_submissions_list_filtered_and_scoped(opened, env_parties):
    p = env_parties
    rows = (
        api(p["acute_lead"])
        .get(f"/api/v1/envelope-submissions/?envelope={opened.pk}&month=7")
        .json()["results"]
    )
    assert len(rows) == 4
    due = api(p["acute_lead"]).get("/api/v1/envelope-submissions/?status=due").json()
    assert due["count"] == 28
    assert api(p["outsider"]).get("/api/v1/envelope-submissions/").json()["results"] == []
    other = MonthlyReturn.objects.filter(month__envelope=opened).first()
    assert api(p["outsider"]).get(f"/api/v1/envelope-submissions/{other.pk}/").status_code == 404


def test_submitting_for_another_partner_is_refused(opened, env_parties):
    p = env_parties
    response = api(p["mh_lead"]).post(
        "/api/v1/envelope-submissions/", submission(opened, p["acute"]), format="json"
    )
    assert response.status_code == 403
    assert "Northgate" in response.json()["detail"]
    outsider = api(p["outsider"]).post(
        "/api/v1/envelope-submissions/", submission(opened, p["acute"]), format="json"
    )
    assert outsider.status_code == 400  # nothing of the envelope is visible to it


def test_bad_submission_gives_json_errors_by_field(opened, env_parties):
    p = env_parties
    response = api(p["acute_lead"]).post(
        "/api/v1/envelope-submissions/",
        submission(opened, p["acute"], ytd_income="12.345", forecast_expenditure="1.00"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "ytd_income" in errors
    response = api(p["acute_lead"]).post(
        "/api/v1/envelope-submissions/",
        submission(opened, p["acute"], forecast_expenditure="1.00"),
        format="json",
    )
    assert response.status_code == 400
    assert "forecast_expenditure" in response.json()["errors"]


def test_capital_schemes_bid_and_list(opened, env_parties):
    p = env_parties
    body = {
        "envelope": opened.pk,
        "organisation": p["amb"].pk,
        "title": "Make-ready hub, Calder",
        "category": "capacity",
        "risk_score_addressed": 12,
        "costs": {"2026": "6500000.00", "2027": "2000000.00"},
    }
    response = api(p["amb_lead"]).post("/api/v1/capital-schemes/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["score"] == "39.00"
    assert response.json()["costs"] == {"2026": "6500000.00", "2027": "2000000.00"}
    listed = api(p["mh_lead"]).get(f"/api/v1/capital-schemes/?envelope={opened.pk}").json()
    assert [s["title"] for s in listed["results"]] == ["Make-ready hub, Calder"]
    assert api(p["outsider"]).get("/api/v1/capital-schemes/").json()["results"] == []
    refused = api(p["mh_lead"]).post("/api/v1/capital-schemes/", body, format="json")
    assert refused.status_code == 403
    not_pdf = api(p["amb_lead"]).post(
        "/api/v1/capital-schemes/",
        {**body, "business_case": base64.b64encode(b"MZ\x90\x00 not a pdf").decode()},
        format="json",
    )
    assert not_pdf.status_code == 400 and "business_case" in not_pdf.json()["errors"]


def test_schema_names_the_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/envelopes/",
        "/api/v1/envelopes/{id}/position/",
        "/api/v1/envelope-submissions/",
        "/api/v1/capital-schemes/",
    ):
        assert path in schema["paths"], path
