"""The risks API: the shared-risk flow end to end for three organisations (sign-offs
through the shared /api/v1/signoffs/), filters, score history, clear errors."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.audit.models import AuditEvent
from governance.risks.models import Risk

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(rics, categories, **overrides):
    data = {
        "title": "Cyber attack on the shared care record",
        "cause": "Because the record links every partner's systems",
        "event": "there is a risk of a cyber attack",
        "effect": "resulting in loss of personal data",
        "category": categories["quality"].pk,
        "partners": [rics["trust"].pk, rics["council"].pk],
        "inherent_likelihood": 4,
        "inherent_consequence": 5,
        "current_likelihood": 2,
        "current_consequence": 4,
        "target_likelihood": 1,
        "target_consequence": 4,
        "review_frequency": "quarterly",
    }
    data.update(overrides)
    return data


def test_shared_risk_end_to_end_over_the_api(rics, categories):
    owner = api(rics["owner"])
    created = owner.post("/api/v1/risks/", payload(rics, categories), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["owning_organisation"]["id"] == rics["icb"].pk  # the owner's only organisation
    assert body["current"] == {"likelihood": 2, "consequence": 4, "score": 8, "band": "high"}
    assert len(body["score_history"]) == 1
    rid = body["id"]
    submitted = owner.post(f"/api/v1/risks/{rid}/submit/")
    assert submitted.json()["status"] == "awaiting_acceptance"
    assert {s["organisation"]["id"] for s in submitted.json()["signoffs"]} == {
        rics["trust"].pk,
        rics["council"].pk,
    }

    for who in ("trust_sign", "council_sign"):
        client = api(rics[who])
        inbox = client.get("/api/v1/signoffs/").json()
        items = inbox["results"] if isinstance(inbox, dict) else inbox
        mine = [
            s for s in items if s["subject"]["type"] == "risks.risk" and s["subject"]["id"] == rid
        ]
        assert len(mine) == 1
        assert mine[0]["subject"]["url"] == f"/risks/{rid}/"
        decided = client.post(
            f"/api/v1/signoffs/{mine[0]['id']}/decide/", {"outcome": "approve"}, format="json"
        )
        assert decided.status_code == 200, decided.json()

    detail = owner.get(f"/api/v1/risks/{rid}/").json()
    assert detail["status"] == "open"
    assert detail["registered_at"]

    # review above appetite (quality: 8) -> escalated; history shows both points
    reviewed = owner.post(
        f"/api/v1/risks/{rid}/review/",
        {"current_likelihood": 3, "current_consequence": 4, "comment": "New vulnerability"},
        format="json",
    )
    assert reviewed.status_code == 200
    detail = reviewed.json()
    assert [h["score"] for h in detail["score_history"]] == [8, 12]
    assert detail["above_appetite"] is True
    assert detail["escalations"][0]["destination"] == "Quality and Safety Committee"
    escalations = api(rics["secretariat"]).get("/api/v1/risk-escalations/?status=open").json()
    assert [e["risk"]["id"] for e in escalations["results"]] == [rid]
    responded = api(rics["secretariat"]).post(
        f"/api/v1/risk-escalations/{escalations['results'][0]['id']}/respond/",
        {"outcome": "assured", "response": "Patch applied"},
        format="json",
    )
    assert responded.json()["status"] == "responded"
    assert (
        api(rics["owner"])
        .post(
            f"/api/v1/risk-escalations/{escalations['results'][0]['id']}/respond/",
            {"outcome": "noted"},
            format="json",
        )
        .status_code
        == 403
    )

    # tolerance of a shared risk waits for the partners
    status = owner.post(
        f"/api/v1/risks/{rid}/status/", {"status": "tolerated", "reason": "Accept"}, format="json"
    )
    assert status.json()["pending_change"] == "tolerate"
    assert AuditEvent.objects.filter(target_id=str(rid), verb="risk.tolerate_requested").exists()


@pytest.mark.parametrize("bad", [0, 6, "x"])
def test_bad_scores_give_a_clear_error_and_write_nothing(rics, categories, bad):
    events = AuditEvent.objects.count()
    response = api(rics["owner"]).post(
        "/api/v1/risks/", payload(rics, categories, target_likelihood=bad), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Likelihood must be a whole number from 1 to 5.",
        "errors": {"target_likelihood": ["Likelihood must be a whole number from 1 to 5."]},
    }
    assert not Risk.objects.exists()
    assert AuditEvent.objects.count() == events


def test_review_with_bad_scores_writes_nothing(rics, registered_risk):
    risk = registered_risk()
    events = AuditEvent.objects.count()
    response = api(rics["owner"]).post(
        f"/api/v1/risks/{risk.pk}/review/",
        {"current_likelihood": 0, "current_consequence": "x", "comment": ""},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"current_likelihood", "current_consequence", "comment"}
    assert AuditEvent.objects.count() == events


def test_list_filters(rics, registered_risk):
    a = registered_risk(title="A", current=(4, 4), partners=("trust",))
    b = registered_risk(title="B", current=(2, 2), category="quality", partners=())
    c = registered_risk(title="C", current=(3, 4), category="workforce", partners=("council",))
    client = api(rics["secretariat"])

    def ids(query):
        response = client.get(f"/api/v1/risks/?{query}")
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids("") == [a.pk, c.pk, b.pk]  # highest current score first
    assert ids(f"organisation={rics['trust'].pk}") == [a.pk]
    assert ids(f"organisation={rics['council'].identifier}") == [c.pk]
    assert ids(f"organisation={rics['icb'].pk}") == [a.pk, c.pk, b.pk]
    assert ids("category=quality") == [b.pk]
    assert ids(f"category={c.category_id}") == [c.pk]
    assert ids("min_score=10") == [a.pk, c.pk]
    assert ids("max_score=12&min_score=4") == [c.pk, b.pk]
    assert ids("score=16") == [a.pk]
    assert ids("status=draft") == []
    assert ids("status=all") == [a.pk, c.pk, b.pk]
    assert ids("likelihood=3&consequence=4") == [c.pk]
    bad = client.get("/api/v1/risks/?min_score=0&status=sideways&category=nope")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"min_score", "status", "category"}
    cells = client.get("/api/v1/risks/heatmap/").json()
    assert len(cells) == 25
    assert {(c["likelihood"], c["consequence"]): c["count"] for c in cells if c["count"]} == {
        (4, 4): 1,
        (2, 2): 1,
        (3, 4): 1,
    }


def test_edit_over_the_api(rics, registered_risk):
    risk = registered_risk()
    client = api(rics["owner"])
    response = client.patch(
        f"/api/v1/risks/{risk.pk}/",
        {"controls": "New control", "current_consequence": 2, "reason": "Control added"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["current"]["score"] == 6
    assert [h["kind"] for h in response.json()["score_history"]] == ["initial", "edit"]
    refused = api(rics["trust_sign"]).patch(
        f"/api/v1/risks/{risk.pk}/", {"title": "Ours"}, format="json"
    )
    assert refused.status_code == 403


def test_schema_documents_the_endpoints(rics):
    schema = api(rics["secretariat"]).get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/risks/" in paths and "/api/v1/risks/{id}/" in paths
    assert "/api/v1/risks/{id}/review/" in paths
