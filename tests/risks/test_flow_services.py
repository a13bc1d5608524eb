"""The shared-risk flow driven through its services, for three organisations."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from governance import subjects
from governance.audit.models import AuditEvent
from governance.risks import services
from governance.risks.models import (
    PendingChange,
    ReviewTask,
    ReviewTaskStatus,
    Risk,
    RiskStatus,
)
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide
from tests.risks.conftest import sign

pytestmark = pytest.mark.django_db


def verbs(risk):
    return list(
        AuditEvent.objects.filter(target_type="risks.risk", target_id=str(risk.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def test_shared_risk_accepted_by_every_partner_is_registered(rics, make_risk):
    risk = make_risk()
    assert risk.status == RiskStatus.DRAFT
    assert risk.reference.startswith("RISK-")
    services.risk_submit(actor=rics["owner"], risk=risk)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.AWAITING_ACCEPTANCE
    pending = SignOff.objects.filter(subject_id=risk.pk, status=SignOffStatus.PENDING)
    assert {s.organisation for s in pending} == {rics["trust"], rics["council"]}
    # each partner's signatory sees only its own organisation's task
    assert open_signoffs_for(rics["trust_sign"]).get().organisation == rics["trust"]
    assert not open_signoffs_for(rics["outsider"]).exists()
    sign(rics, risk, "trust_sign")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.AWAITING_ACCEPTANCE
    sign(rics, risk, "council_sign")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert risk.registered_at is not None
    assert verbs(risk) == [
        "risk.created",
        "risk.submitted",
        "signoff.approved",
        "signoff.approved",
        "risk.registered",
    ]
    call_command("verify_audit")


def test_a_partner_declining_returns_the_risk_to_draft_then_resubmitted(rics, make_risk):
    risk = make_risk()
    services.risk_submit(actor=rics["owner"], risk=risk)
    sign(rics, risk, "council_sign", "reject", "Not a risk to the council's services.")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.DRAFT
    # the trust's sign-off is no longer needed
    assert SignOff.objects.get(subject_id=risk.pk, organisation=rics["trust"]).status == (
        SignOffStatus.CANCELLED
    )
    event = AuditEvent.objects.get(verb="risk.not_accepted", target_id=str(risk.pk))
    assert "City Council rejected: Not a risk" in event.reason
    services.risk_update(
        actor=rics["owner"], risk=risk, partners=[rics["trust"]], reason="Council withdrawn"
    )
    services.risk_submit(actor=rics["owner"], risk=risk)
    risk.refresh_from_db()
    assert risk.signoff_round == 2
    sign(rics, risk, "trust_sign")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    call_command("verify_audit")


def test_editing_while_partners_consider_it_returns_it_to_draft(rics, make_risk):
    risk = make_risk()
    services.risk_submit(actor=rics["owner"], risk=risk)
    sign(rics, risk, "trust_sign")
    services.risk_update(
        actor=rics["owner"], risk=risk, title="Winter overspend", reason="Retitled"
    )
    risk.refresh_from_db()
    assert risk.status == RiskStatus.DRAFT
    assert not SignOff.objects.filter(subject_id=risk.pk, status=SignOffStatus.PENDING).exists()
    assert "risk.returned_to_draft" in verbs(risk)
    assert "risk.signoff_cancelled" in verbs(risk)


def test_an_unshared_risk_is_registered_by_its_owner(rics, make_risk):
    risk = make_risk(partners=())
    services.risk_submit(actor=rics["owner"], risk=risk)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert not SignOff.objects.filter(subject_id=risk.pk).exists()
    with pytest.raises(ValidationError):
        services.risk_submit(actor=rics["owner"], risk=risk)


def test_closing_a_shared_risk_needs_every_partners_sign_off(rics, registered_risk):
    risk = registered_risk()
    services.review_tasks_raise_due(today=risk.next_review_date)
    services.risk_change_status(
        actor=rics["owner"], risk=risk, status="closed", reason="Plan delivered"
    )
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert risk.pending_change == PendingChange.CLOSE
    assert risk.signoff_round == 2
    with pytest.raises(ValidationError, match="considering the risk's closure"):
        services.risk_change_status(actor=rics["owner"], risk=risk, status="tolerated", reason="x")
    sign(rics, risk, "trust_sign")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    sign(rics, risk, "council_sign")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED
    assert risk.pending_change == ""
    assert risk.closed_at is not None
    assert not ReviewTask.objects.filter(risk=risk, status=ReviewTaskStatus.OPEN).exists()
    assert verbs(risk)[-4:] == [
        "risk.close_requested",
        "signoff.approved",
        "signoff.approved",
        "risk.closed",
    ]
    with pytest.raises(PermissionDenied):  # closed: nothing more changes
        services.risk_update(actor=rics["owner"], risk=risk, title="Reopened?")


def test_tolerance_refused_by_a_partner_leaves_the_risk_open(rics, registered_risk):
    risk = registered_risk()
    services.risk_change_status(
        actor=rics["owner"], risk=risk, status="tolerated", reason="Accept at current level"
    )
    sign(rics, risk, "trust_sign", "reject", "Still rising in our area")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert risk.pending_change == ""
    assert "risk.tolerate_not_agreed" in verbs(risk)
    # treated needs no partner sign-off
    services.risk_change_status(actor=rics["owner"], risk=risk, status="treated", reason="Plan")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.TREATED
    call_command("verify_audit")


def test_unshared_risk_closes_at_once(rics, make_risk):
    risk = make_risk(partners=())
    services.risk_submit(actor=rics["owner"], risk=risk)
    with pytest.raises(ValidationError) as exc:
        services.risk_change_status(actor=rics["owner"], risk=risk, status="closed", reason="")
    assert "reason" in exc.value.message_dict
    services.risk_change_status(actor=rics["owner"], risk=risk, status="closed", reason="Gone")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED


def test_who_may_do_what(rics, make_risk):
    with pytest.raises(PermissionDenied):  # an auditor raises nothing
        make_risk(actor="auditor")
    with pytest.raises(PermissionDenied):  # not a member of the owning organisation
        make_risk(actor="trust_member")
    risk = make_risk()
    for who in ("trust_member", "trust_sign", "outsider", "auditor", "icb_sign"):
        with pytest.raises(PermissionDenied):
            services.risk_submit(actor=rics[who], risk=risk)
        with pytest.raises(PermissionDenied):
            services.risk_update(actor=rics[who], risk=risk, title="Mine now")
    services.risk_update(
        actor=rics["secretariat"], risk=risk, title="Edited by the ICB secretariat"
    )
    services.risk_submit(actor=rics["owner"], risk=risk)
    trust_signoff = SignOff.objects.get(subject_id=risk.pk, organisation=rics["trust"])
    for who in ("trust_member", "council_sign", "outsider", "secretariat", "auditor"):
        with pytest.raises(PermissionDenied):
            signoff_decide(actor=rics[who], signoff=trust_signoff, outcome="approve")
    with pytest.raises(ValidationError, match="reason for rejecting"):
        signoff_decide(actor=rics["trust_sign"], signoff=trust_signoff, outcome="reject")
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.AWAITING_ACCEPTANCE


def test_owner_must_act_for_the_owning_organisation(rics, make_risk):
    with pytest.raises(ValidationError) as exc:
        make_risk(owner=rics["trust_member"])
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_risk(partners=("icb", "trust"))
    assert "partners" in exc.value.message_dict


def test_the_risk_is_a_registered_subject_type(rics, make_risk):
    risk = make_risk()
    st = subjects.for_model(risk)
    assert set(st.parties(risk)) == {rics["icb"], rics["trust"], rics["council"]}
    assert st.label(risk) == f"{risk.reference} Winter pressures overspend"
    assert st.url(risk) == f"/risks/{risk.pk}/"
    assert st.is_confidential(risk) is False
    assert st.on_board_decision is not None
    assert not st.awaiting_decision().exists()


def test_partners_are_fixed_once_registered(rics, registered_risk):
    risk = registered_risk()
    with pytest.raises(ValidationError) as exc:
        services.risk_update(actor=rics["owner"], risk=risk, partners=[rics["trust"]])
    assert exc.value.message_dict["partners"] == [
        "Sharing partners can change only before the risk is registered "
        "(raise a new shared risk instead)."
    ]
    # sending the same partners is no change at all
    services.risk_update(actor=rics["owner"], risk=risk, partners=[rics["trust"], rics["council"]])
