"""The register in the browser: a shared risk raised, accepted by the partners,
reviewed above appetite and escalated, for three organisations."""

from __future__ import annotations

import pytest

from governance.audit.models import AuditEvent
from governance.risks.models import Escalation, Risk, RiskStatus
from governance.signoffs.models import SignOff

pytestmark = pytest.mark.django_db


def form_data(rics, categories, **overrides):
    data = {
        "owning_organisation": rics["icb"].pk,
        "title": "Discharge delays",
        "cause": "Because of limited reablement capacity",
        "event": "there is a risk that fit patients stay in hospital",
        "effect": "resulting in harm and bed pressures",
        "category": categories["finance"].pk,
        "owner": rics["owner"].pk,
        "partners": [rics["trust"].pk, rics["council"].pk],
        "inherent_likelihood": "4",
        "inherent_consequence": "4",
        "current_likelihood": "3",
        "current_consequence": "4",
        "target_likelihood": "2",
        "target_consequence": "2",
        "controls": "Daily system call",
        "review_frequency": "monthly",
    }
    data.update(overrides)
    return data


def test_shared_risk_end_to_end_in_the_browser(client, rics, categories):
    client.force_login(rics["owner"])
    assert client.get("/risks/new/").status_code == 200
    response = client.post("/risks/new/", form_data(rics, categories))
    assert response.status_code == 302
    risk = Risk.objects.get(title="Discharge delays")
    assert response.url == f"/risks/{risk.pk}/"
    page = client.get(response.url).content.decode()
    assert "Submit to the partners for acceptance" in page
    assert client.post(f"/risks/{risk.pk}/submit/").status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.AWAITING_ACCEPTANCE

    # each partner's signatory accepts it from the risk's page
    for who, org in (("trust_sign", "trust"), ("council_sign", "council")):
        client.force_login(rics[who])
        page = client.get(f"/risks/{risk.pk}/").content.decode()
        assert f"Accept this risk onto {rics[org].name}" in page
        signoff = SignOff.objects.get(subject_id=risk.pk, organisation=rics[org], round=1)
        # someone else's sign-off: not theirs to decide
        other = SignOff.objects.exclude(pk=signoff.pk).get(subject_id=risk.pk, round=1)
        assert client.post(f"/risks/{risk.pk}/signoffs/{other.pk}/", {}).status_code == 404
        bad = client.post(f"/risks/{risk.pk}/signoffs/{signoff.pk}/", {"outcome": "reject"})
        assert bad.status_code == 400 and "Give the reason for rejecting." in bad.content.decode()
        ok = client.post(f"/risks/{risk.pk}/signoffs/{signoff.pk}/", {"outcome": "approve"})
        assert ok.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN

    # the heat map shows it in its cell, and the cell lists it
    client.force_login(rics["council_sign"])
    page = client.get("/risks/").content.decode()
    assert 'data-likelihood="3" data-consequence="4" data-count="1"' in page
    assert "Discharge delays" in client.get("/risks/?likelihood=3&consequence=4").content.decode()
    assert (
        "Discharge delays" not in client.get("/risks/?likelihood=4&consequence=4").content.decode()
    )

    # the owner reviews it above appetite: escalated
    client.force_login(rics["owner"])
    bad = client.post(
        f"/risks/{risk.pk}/review/",
        {"current_likelihood": "6", "current_consequence": "4", "comment": "Worse"},
    )
    assert bad.status_code == 400
    assert "Likelihood must be a whole number from 1 to 5." in bad.content.decode()
    done = client.post(
        f"/risks/{risk.pk}/review/",
        {"current_likelihood": "4", "current_consequence": "4", "comment": "Worse this month"},
        follow=True,
    )
    assert "escalated to Finance and Performance Committee" in done.content.decode()
    assert Escalation.objects.filter(risk=risk, status="open").exists()
    client.force_login(rics["secretariat"])
    assert risk.reference in client.get("/risks/escalated/").content.decode()
    page = client.get(f"/risks/{risk.pk}/").content.decode()
    assert 'class="risk-trajectory"' in page and "Review on" in page

    # closure of a shared risk waits for the partners
    client.force_login(rics["owner"])
    step = client.post(f"/risks/{risk.pk}/status/", {"status": "closed", "reason": "Resolved"})
    assert step.status_code == 200 and "each sharing partner is asked" in step.content.decode()
    assert not Risk.objects.get(pk=risk.pk).pending_change  # nothing yet: confirm first
    client.post(
        f"/risks/{risk.pk}/status/", {"status": "closed", "reason": "Resolved", "confirm": "yes"}
    )
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN and risk.pending_change == "close"
    verbs = set(
        AuditEvent.objects.filter(target_id=str(risk.pk), target_type="risks.risk").values_list(
            "verb", flat=True
        )
    )
    assert {"risk.created", "risk.submitted", "risk.registered", "risk.reviewed"} <= verbs
    assert {"risk.escalated", "risk.close_requested", "signoff.approved"} <= verbs


@pytest.mark.parametrize("bad", ["0", "6", "x"])
def test_form_refuses_bad_scores_and_writes_nothing(client, rics, categories, bad):
    client.force_login(rics["owner"])
    events = AuditEvent.objects.count()
    response = client.post("/risks/new/", form_data(rics, categories, current_consequence=bad))
    assert response.status_code == 400
    assert "Consequence must be a whole number from 1 to 5." in response.content.decode()
    assert not Risk.objects.exists()
    assert AuditEvent.objects.count() == events


def test_edit_form_puts_service_errors_next_to_fields(client, rics, categories, registered_risk):
    risk = registered_risk()
    client.force_login(rics["owner"])
    assert client.get(f"/risks/{risk.pk}/edit/").status_code == 200
    data = form_data(rics, categories, owner=rics["owner"].pk, reason="Re-scoped")
    data.pop("owning_organisation")
    data["is_confidential"] = "on"  # without the reason: the service refuses
    response = client.post(f"/risks/{risk.pk}/edit/", data)
    assert response.status_code == 400
    assert "A confidential risk needs the reason it is exempt from publication." in (
        response.content.decode()
    )
    assert Risk.objects.get(pk=risk.pk).title == "Winter pressures overspend"
    data["exemption_reason"] = "Commercially sensitive (s43)"
    data["partners"] = [rics["trust"].pk]  # ignored: partners are fixed once registered
    assert client.post(f"/risks/{risk.pk}/edit/", data).status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Discharge delays" and risk.is_confidential
    assert set(risk.partners.all()) == {rics["trust"], rics["council"]}


def test_partners_may_look_but_not_change(client, rics, registered_risk):
    risk = registered_risk()
    client.force_login(rics["trust_member"])
    assert client.get(f"/risks/{risk.pk}/").status_code == 200
    assert client.get(f"/risks/{risk.pk}/edit/").status_code == 403
    assert (
        client.post(
            f"/risks/{risk.pk}/review/",
            {"current_likelihood": "1", "current_consequence": "1", "comment": "x"},
        ).status_code
        == 403
    )


def test_reviews_due_page(client, rics, registered_risk):
    import datetime

    from django.utils import timezone

    from governance.risks import services

    risk = registered_risk(next_review_date=timezone.localdate() - datetime.timedelta(days=3))
    services.review_tasks_raise_due()
    client.force_login(rics["owner"])
    page = client.get("/risks/reviews/").content.decode()
    assert risk.reference in page
    assert '<strong class="nhsuk-tag nhsuk-tag--red app-tag--overdue">Overdue</strong>' in page
    client.force_login(rics["trust_member"])
    assert risk.reference not in client.get("/risks/reviews/").content.decode()
