"""Races on PostgreSQL (SQLite ignores SELECT … FOR UPDATE): simultaneous acceptances
register a risk once; overlapping raise_due_reviews runs raise one task per risk;
simultaneous reviews escalate once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.audit.models import AuditEvent
from governance.risks import services
from governance.risks.flows import RiskSignOffFlow
from governance.risks.models import Escalation, ReviewTask, RiskStatus
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    errors, results = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_simultaneous_acceptances_register_once(rics, make_risk):
    risk = make_risk()
    services.risk_submit(actor=rics["owner"], risk=risk)
    signoffs = {s.organisation_id: s for s in SignOff.objects.filter(subject_id=risk.pk)}
    _, errors = race(
        lambda: signoff_decide(
            actor=rics["trust_sign"], signoff=signoffs[rics["trust"].pk], outcome="approve"
        ),
        lambda: signoff_decide(
            actor=rics["council_sign"], signoff=signoffs[rics["council"].pk], outcome="approve"
        ),
    )
    assert errors == []
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert SignOff.objects.filter(subject_id=risk.pk, status=SignOffStatus.APPROVED).count() == 2
    joins = Task.objects.filter(
        process__artifact_object_id=risk.pk,
        process__flow_class=RiskSignOffFlow,
        flow_task=RiskSignOffFlow.join,
    )
    assert joins.count() == 1 and joins.get().status == STATUS.DONE
    assert AuditEvent.objects.filter(verb="risk.registered", target_id=str(risk.pk)).count() == 1
    call_command("verify_audit")


def test_overlapping_raise_due_reviews_raise_one_task_per_risk(rics, registered_risk):
    past = timezone.localdate() - datetime.timedelta(days=2)
    risks = [registered_risk(title=f"R{i}", next_review_date=past) for i in range(5)]
    results, errors = race(*[lambda: services.review_tasks_raise_due() for _ in range(3)])
    assert errors == []
    assert sum(len(r) for r in results) == 5
    assert ReviewTask.objects.count() == 5
    assert {t.risk_id for t in ReviewTask.objects.all()} == {r.pk for r in risks}
    assert AuditEvent.objects.filter(verb="risk.review_due").count() == 5
    call_command("verify_audit")


def test_simultaneous_reviews_escalate_once(rics, registered_risk):
    risk = registered_risk(current=(3, 4))

    def review(likelihood):
        return lambda: services.risk_review(
            actor=rics["owner"],
            risk=risk,
            current_likelihood=likelihood,
            current_consequence=4,
            comment="Worse",
        )

    _, errors = race(review(4), review(5))
    assert errors == []
    assert Escalation.objects.filter(risk=risk).count() == 1
    call_command("verify_audit")
