"""Two partners approving at the same moment finish the flow exactly once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import services
from decisions.flows import DecisionFlow
from decisions.models import DecisionEntry, ProposalStatus
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value", ["50000", "750000"])  # officer-decided and board-decided
def test_simultaneous_final_approvals_finish_once(ics, make_proposal, value):
    p = make_proposal(value)
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    signoff_decide(
        actor=ics["trust_sign"],
        outcome="approve",
        signoff=SignOff.objects.get(subject_id=p.pk, organisation=ics["trust"]),
    )
    last_two = [
        (ics["council_sign"], SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])),
        (ics["vcse_sign"], SignOff.objects.get(subject_id=p.pk, organisation=ics["vcse"])),
    ]
    barrier = threading.Barrier(len(last_two))
    errors = []

    def approve(user, signoff):
        try:
            barrier.wait()
            signoff_decide(actor=user, signoff=signoff, outcome="approve")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in last_two]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    p.refresh_from_db()
    assert SignOff.objects.filter(subject_id=p.pk, status=SignOffStatus.APPROVED).count() == 3
    joins = Task.objects.filter(process__artifact_object_id=p.pk, flow_task=DecisionFlow.join)
    assert joins.count() == 1 and joins.get().status == STATUS.DONE
    concludes = Task.objects.filter(
        process__artifact_object_id=p.pk, flow_task=DecisionFlow.conclude
    )
    assert concludes.count() == 1
    if value == "50000":
        assert p.status == ProposalStatus.APPROVED
        assert DecisionEntry.objects.filter(proposal=p).count() == 1
    else:
        assert p.status == ProposalStatus.READY_FOR_DECISION
        assert (
            Task.objects.filter(
                process__artifact_object_id=p.pk, flow_task=DecisionFlow.board_decision
            ).count()
            == 1
        )
    call_command("verify_audit")
