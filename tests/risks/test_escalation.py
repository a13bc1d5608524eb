"""Escalation above appetite: raised by reviews and edits, listed for the secretariat,
tabled through the subject registry, answered by the board."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from governance import subjects
from governance.audit.models import AuditEvent
from governance.risks import services
from governance.risks.models import EscalatedTo, Escalation, EscalationStatus, Risk

pytestmark = pytest.mark.django_db


def review(rics, risk, lc, who="owner", comment="Reviewed"):
    return services.risk_review(
        actor=rics[who],
        risk=risk,
        current_likelihood=lc[0],
        current_consequence=lc[1],
        comment=comment,
    )


def test_a_review_raising_the_score_above_appetite_escalates(rics, registered_risk):
    risk = registered_risk(current=(3, 4))  # finance, appetite 12: 12 is within appetite
    assert not Escalation.objects.exists()
    review(rics, risk, (3, 4))
    assert not Escalation.objects.exists()
    review(rics, risk, (4, 4), comment="Month 7 adverse to plan")
    esc = Escalation.objects.get(risk=risk)
    assert esc.status == EscalationStatus.OPEN
    assert esc.score == 16 and esc.threshold == 13 and esc.appetite_max_score == 12
    assert esc.escalated_to == EscalatedTo.COMMITTEE
    assert esc.destination == "Finance and Performance Committee"
    assert esc.trigger == "review"
    event = AuditEvent.objects.get(verb="risk.escalated", target_id=str(risk.pk))
    assert event.changes["score"] == {"before": 12, "after": 16}
    assert "above the finance appetite of 12" in event.reason
    # waiting to be tabled
    st = subjects.for_model(Risk)
    assert list(st.awaiting_decision()) == [risk]
    # a further rise while the escalation is open does not duplicate it
    review(rics, risk, (5, 4))
    assert Escalation.objects.filter(risk=risk).count() == 1
    call_command("verify_audit")


def test_scores_of_20_or_more_go_to_the_board(rics, registered_risk):
    risk = registered_risk(current=(2, 2))
    review(rics, risk, (5, 4))
    esc = Escalation.objects.get(risk=risk)
    assert esc.escalated_to == EscalatedTo.BOARD
    assert esc.destination == "The board"


def test_default_threshold_is_15_without_an_appetite(rics, registered_risk):
    risk = registered_risk(category="workforce", current=(3, 3))
    review(rics, risk, (3, 4))  # 12
    assert not Escalation.objects.exists()
    review(rics, risk, (3, 5))  # 15
    esc = Escalation.objects.get(risk=risk)
    assert esc.threshold == 15 and esc.appetite_max_score is None
    assert esc.escalated_to == EscalatedTo.BOARD  # no responsible committee


def test_an_edit_of_the_current_scores_escalates(rics, registered_risk):
    risk = registered_risk(category="quality", current=(2, 4))  # appetite 8
    services.risk_update(
        actor=rics["owner"],
        risk=risk,
        current_likelihood=3,
        reason="Incident reported",
    )
    esc = Escalation.objects.get(risk=risk)
    assert esc.trigger == "edit" and esc.score == 12
    assert risk.assessments.last().kind == "edit"


def test_registering_a_risk_already_above_appetite_escalates_drafts_do_not(rics, make_risk):
    risk = make_risk(current=(4, 4))
    assert not Escalation.objects.exists()  # a draft is not on the register
    services.risk_submit(actor=rics["owner"], risk=risk)
    assert not Escalation.objects.exists()  # nor while the partners consider it
    from tests.risks.conftest import sign

    sign(rics, risk, "trust_sign")
    sign(rics, risk, "council_sign")
    esc = Escalation.objects.get(risk=risk)
    assert esc.trigger == "registration"


def test_lowering_an_appetite_escalates_risks_now_above_it(rics, registered_risk, superuser):
    risk = registered_risk(current=(3, 3))  # 9, finance appetite 12
    services.appetite_set(actor=superuser, category=risk.category, level="averse", max_score=6)
    assert Escalation.objects.get(risk=risk).trigger == "appetite changed"
    with pytest.raises(PermissionDenied):
        services.appetite_set(
            actor=rics["owner"], category=risk.category, level="open", max_score=20
        )
    with pytest.raises(ValidationError):
        services.appetite_set(actor=superuser, category=risk.category, level="open", max_score=26)


def test_board_response_through_the_subject_registry(rics, registered_risk):
    risk = registered_risk(current=(3, 4))
    review(rics, risk, (4, 4))
    st = subjects.for_model(risk)
    with pytest.raises(PermissionDenied):
        st.on_board_decision(risk, actor=rics["owner"], outcome="noted")
    with pytest.raises(ValidationError):
        st.on_board_decision(
            risk,
            actor=rics["secretariat"],
            outcome="noted",
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    # deferred: still waiting to be tabled
    st.on_board_decision(risk, actor=rics["secretariat"], outcome="deferred", notes="Next month")
    assert st.awaiting_decision().filter(pk=risk.pk).exists()
    st.on_board_decision(
        risk,
        actor=rics["secretariat"],
        outcome="assured",
        notes="Recovery plan accepted; report back in March.",
        decided_by="ICB Board",
    )
    esc = Escalation.objects.get(risk=risk)
    assert esc.status == EscalationStatus.RESPONDED
    assert esc.outcome == "assured" and esc.decided_by == "ICB Board"
    assert esc.recorded_by == rics["secretariat"]
    assert not st.awaiting_decision().exists()
    with pytest.raises(ValidationError):
        st.on_board_decision(risk, actor=rics["secretariat"], outcome="noted")
    # after the response, a further rise escalates again; the same score does not
    review(rics, risk, (4, 4))
    assert Escalation.objects.filter(risk=risk).count() == 1
    review(rics, risk, (5, 4))
    assert Escalation.objects.filter(risk=risk).count() == 2
    verbs = list(
        AuditEvent.objects.filter(target_id=str(risk.pk), verb__startswith="risk.escalat")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "risk.escalated",
        "risk.escalation_deferred",
        "risk.escalation_responded",
        "risk.escalated",
    ]
    call_command("verify_audit")


def test_escalated_page_lists_it_for_the_secretariat(client, rics, registered_risk):
    risk = registered_risk(current=(3, 4))
    review(rics, risk, (4, 4))
    client.force_login(rics["secretariat"])
    page = client.get("/risks/escalated/")
    assert page.status_code == 200
    assert risk.reference in page.content.decode()
    assert "Finance and Performance Committee" in page.content.decode()
    esc = Escalation.objects.get(risk=risk)
    bad = client.post(f"/risks/escalated/{esc.pk}/respond/", {"outcome": "maybe"})
    assert bad.status_code == 400
    done = client.post(
        f"/risks/escalated/{esc.pk}/respond/",
        {"outcome": "noted", "response": "Noted by the committee", "decided_by": "F&P"},
    )
    assert done.status_code == 302
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.RESPONDED
    # the owner sees it but may not respond
    client.force_login(rics["owner"])
    assert risk.reference in client.get("/risks/escalated/").content.decode()
    review(rics, risk, (5, 4))
    esc2 = Escalation.objects.get(risk=risk, status=EscalationStatus.OPEN)
    assert (
        client.post(f"/risks/escalated/{esc2.pk}/respond/", {"outcome": "noted"}).status_code == 403
    )
    # outsiders: not listed, and 404
    client.force_login(rics["outsider"])
    assert risk.reference not in client.get("/risks/escalated/").content.decode()
    assert (
        client.post(f"/risks/escalated/{esc2.pk}/respond/", {"outcome": "noted"}).status_code == 404
    )
