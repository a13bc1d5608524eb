"""Every change leaves an audit event; a refused change leaves none; the chain verifies."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from governance.audit.models import AuditEvent
from governance.risks import services
from tests.risks.conftest import sign

pytestmark = pytest.mark.django_db


class Trail:
    def __init__(self):
        self.seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def new(self) -> list[str]:
        events = AuditEvent.objects.filter(seq__gt=self.seq).order_by("seq")
        verbs = list(events.values_list("verb", flat=True))
        self.seq = events.last().seq if verbs else self.seq
        return verbs


def test_every_change_is_audited(rics, make_risk, categories, superuser):
    trail = Trail()
    risk = make_risk()
    assert trail.new() == ["risk.created"]
    services.risk_update(actor=rics["owner"], risk=risk, controls="Daily call", reason="Control")
    assert trail.new() == ["risk.updated"]
    services.risk_update(actor=rics["owner"], risk=risk, controls="Daily call")
    assert trail.new() == []  # no change, no event
    services.risk_submit(actor=rics["owner"], risk=risk)
    assert trail.new() == ["risk.submitted"]
    sign(rics, risk, "trust_sign")
    sign(rics, risk, "council_sign")
    assert trail.new() == ["signoff.approved", "signoff.approved", "risk.registered"]
    services.review_tasks_raise_due(today=risk.next_review_date)
    assert trail.new() == ["risk.review_due"]
    services.risk_review(
        actor=rics["owner"], risk=risk, current_likelihood=4, current_consequence=4, comment="Up"
    )
    assert trail.new() == ["risk.reviewed", "risk.escalated"]
    esc = risk.escalations.get()
    services.escalation_respond(actor=rics["secretariat"], escalation=esc, outcome="noted")
    assert trail.new() == ["risk.escalation_responded"]
    services.risk_change_status(actor=rics["owner"], risk=risk, status="treated", reason="Plan")
    assert trail.new() == ["risk.treated"]
    services.risk_change_status(actor=rics["owner"], risk=risk, status="closed", reason="Done")
    assert trail.new() == ["risk.close_requested"]
    sign(rics, risk, "trust_sign")
    sign(rics, risk, "council_sign")
    assert trail.new() == ["signoff.approved", "signoff.approved", "risk.closed"]
    cat = services.category_save(actor=superuser, code="digital", name="Digital")
    assert trail.new() == ["risk_category.created"]
    services.appetite_set(actor=superuser, category=cat, level="open", max_score=15)
    assert trail.new() == ["risk_appetite.set"]
    services.appetite_remove(actor=superuser, category=cat)
    assert trail.new() == ["risk_appetite.removed"]
    services.objective_save(actor=superuser, code="SO9", title="Objective")
    assert trail.new() == ["strategic_objective.created"]
    events = AuditEvent.objects.filter(target_type="risks.risk", target_id=str(risk.pk))
    assert all(e.organisation_id == rics["icb"].pk for e in events.filter(verb__startswith="risk."))
    assert events.filter(verb="risk.reviewed").get().actor == rics["owner"]
    call_command("verify_audit")


def test_refused_changes_leave_no_event(rics, make_risk, superuser):
    risk = make_risk()
    trail = Trail()
    attempts = [
        (PermissionDenied, lambda: services.risk_submit(actor=rics["outsider"], risk=risk)),
        (ValidationError, lambda: services.risk_update(actor=rics["owner"], risk=risk, title="")),
        (
            ValidationError,
            lambda: services.risk_change_status(
                actor=rics["owner"], risk=risk, status="closed", reason="x"
            ),
        ),
        (
            PermissionDenied,
            lambda: services.objective_save(actor=rics["owner"], code="X", title="Y"),
        ),
    ]
    for error, attempt in attempts:
        with pytest.raises((error, PermissionDenied)):
            attempt()
    assert trail.new() == []
    call_command("verify_audit")
