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
    # ready for decision once, by the officer post (officer band) or the board
    assert p.status == ProposalStatus.READY_FOR_DECISION
    assert not DecisionEntry.objects.filter(proposal=p).exists()
    node = DecisionFlow.officer_decision if value == "50000" else DecisionFlow.board_decision
    assert Task.objects.filter(process__artifact_object_id=p.pk, flow_task=node).count() == 1
    call_command("verify_audit")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_officer_decisions_record_one(ics, make_proposal, make_user, finance_post):
    """The post holder and a second holder decide the same proposal at the same moment:
    one decision is recorded, the other is told it is no longer ready."""
    from decisions.services import sord as sord_services

    second = make_user(ics["icb"], username="second_dof")
    sord_services.post_holder_appoint(actor=ics["secretariat"], post=finance_post, user=second)
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for who, org in (("trust_sign", "trust"), ("council_sign", "council"), ("vcse_sign", "vcse")):
        signoff_decide(
            actor=ics[who],
            outcome="approve",
            signoff=SignOff.objects.get(subject_id=p.pk, organisation=ics[org]),
        )
    barrier = threading.Barrier(2)
    results = []

    def decide(user, outcome):
        try:
            barrier.wait()
            services.proposal_decide_as_officer(
                actor=user, proposal=p, outcome=outcome, reason="At once"
            )
            results.append("ok")
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(ics["icb_sign"], "approved")),
        threading.Thread(target=decide, args=(second, "rejected")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("ok") == 1, results
    loser = next(r for r in results if r != "ok")
    assert "not ready for decision" in str(loser)
    assert DecisionEntry.objects.filter(proposal=p).count() == 1
    call_command("verify_audit")
