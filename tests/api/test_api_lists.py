"""Lists over the API: django-filter filters, ``ordering`` over an allow-list, pages;
the SoRD versions endpoint; Swagger UI at /api/docs/ without inline scripts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from decisions.models import SordVersionStatus
from decisions.services import sord as sord_services

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_docs_serve_swagger_ui_with_local_scripts_only(settings):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts, "Swagger UI loads its scripts"
    for attrs, body in scripts:
        assert body.strip() == "", "no inline script (CSP: script-src 'self')"
        src = re.search(r'src="([^"]+)"', attrs).group(1)
        assert src.startswith(("/", settings.STATIC_URL)) and "//" not in src[1:]
    init = re.search(r'src="(/api/docs/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    script = Client().get(init)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert "swagger-ui" in page


def test_proposals_filter_by_organisation_and_type_and_order(ics, make_proposal, decision_type):
    first = make_proposal(title="Community beds", affected=("trust", "council"))
    second = make_proposal(title="Ambulance handover", affected=("trust", "vcse"))
    api = as_user(ics["secretariat"])
    rows = api.get("/api/v1/proposals/", {"organisation": ics["vcse"].pk}).json()["results"]
    assert [r["id"] for r in rows] == [second.pk]
    rows = api.get("/api/v1/proposals/", {"ordering": "title"}).json()["results"]
    assert [r["id"] for r in rows] == [second.pk, first.pk]
    rows = api.get("/api/v1/proposals/", {"ordering": "-title"}).json()["results"]
    assert [r["id"] for r in rows] == [first.pk, second.pk]
    rows = api.get("/api/v1/proposals/", {"decision_type": decision_type.pk + 99}).json()
    assert rows["count"] == 0 and rows["results"] == []


def test_the_filters_do_not_widen_what_a_caller_sees(ics, make_proposal):
    make_proposal(affected=("trust", "council"))
    outsider = as_user(ics["outsider"])
    rows = outsider.get("/api/v1/proposals/", {"organisation": ics["trust"].pk}).json()
    assert rows["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "financial_value"}, "ordering"),
        ({"ordering": "title,password"}, "ordering"),
        ({"created_after": "31/02/2026"}, "created_after"),
        ({"organisation": "trust"}, "organisation"),
    ],
)
def test_bad_filters_and_orderings_answer_400_by_parameter(ics, params, field):
    response = as_user(ics["secretariat"]).get("/api/v1/proposals/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and field in body["errors"]


def test_register_filters_by_outcome_and_date(client):
    response = client.get("/api/v1/decisions/", {"outcome": "approved", "ordering": "-decided_on"})
    assert response.status_code == 200 and response.json()["results"] == []
    bad = client.get("/api/v1/decisions/", {"outcome": "maybe"})
    assert bad.status_code == 400 and "outcome" in bad.json()["errors"]


def test_sord_versions_scoped_like_the_web_pages(ics, sord_v1):
    draft = sord_services.sord_version_draft(actor=ics["secretariat"], summary="Raise limits.")
    assert draft.status == SordVersionStatus.DRAFT
    partner = as_user(ics["trust_sign"]).get("/api/v1/sord-versions/").json()
    assert [v["number"] for v in partner["results"]] == [sord_v1.number]
    icb = as_user(ics["auditor"]).get("/api/v1/sord-versions/").json()
    assert [v["number"] for v in icb["results"]] == [draft.number, sord_v1.number]
    partner_api = as_user(ics["trust_sign"])
    assert partner_api.get(f"/api/v1/sord-versions/{draft.number}/").status_code == 404
    detail = partner_api.get(f"/api/v1/sord-versions/{sord_v1.number}/").json()
    assert detail["status"] == "approved" and detail["valid_until"] is None
    bands = {(b["decision_type"]["code"], b["min_value"]): b for b in detail["bands"]}
    officer = bands[("commissioning", "0.00")]
    assert officer["decided_by"] == "officer" and officer["officer_post"] == "Director of Finance"
    assert officer["committee"] is None and officer["max_value"] == "100000.00"
    board = bands[("commissioning", "500000.00")]
    assert board["committee"]["name"] == "ICB Board" and board["max_value"] is None
    in_force = as_user(ics["auditor"]).get("/api/v1/sord-versions/", {"in_force_on": "2021-06-01"})
    assert [v["number"] for v in in_force.json()["results"]] == [sord_v1.number]
    assert APIClient().get("/api/v1/sord-versions/").status_code == 401


def test_every_list_operation_is_paginated_or_declared_a_plain_list(ics):
    import yaml

    schema = yaml.safe_load(Client().get("/api/schema/").content)
    for path, ops in schema["paths"].items():
        op = ops.get("get")
        if op is None or "{" in path.rsplit("/", 2)[-2]:
            continue
        body = op["responses"]["200"]["content"]
        schema_200 = next(iter(body.values()))["schema"]
        if "$ref" in schema_200 and path.endswith("s/"):
            name = schema_200["$ref"].rsplit("/", 1)[1]
            assert name.startswith("Paginated"), path


def test_memberships_filter_by_organisation_and_role(ics):
    api = as_user(ics["secretariat"])  # the ICB secretariat sees every membership
    rows = api.get(
        "/api/v1/memberships/", {"organisation": ics["trust"].pk, "role": "signatory"}
    ).json()["results"]
    assert sorted(r["username"] for r in rows) == ["trust_sign", "trust_sign2"]
    assert api.get("/api/v1/memberships/", {"role": "emperor"}).status_code == 400
    mine = (
        as_user(ics["outsider"])
        .get("/api/v1/memberships/", {"organisation": ics["trust"].pk})
        .json()
    )
    assert mine["count"] == 0  # a filter never widens the caller's scope


def test_signoffs_and_meetings_filters_answer_400_by_parameter(ics):
    api = as_user(ics["trust_sign"])
    assert api.get("/api/v1/signoffs/", {"organisation": ics["trust"].pk}).status_code == 200
    bad = api.get("/api/v1/signoffs/", {"ordering": "signatory__password"})
    assert bad.status_code == 400 and "ordering" in bad.json()["errors"]
    bad = APIClient().get("/api/v1/meetings/", {"start_after": "yesterday"})
    assert bad.status_code == 400 and "start_after" in bad.json()["errors"]
    ok = APIClient().get("/api/v1/meetings/", {"start_after": "2026-04-01", "ordering": "start"})
    assert ok.status_code == 200 and ok.json()["results"] == []
