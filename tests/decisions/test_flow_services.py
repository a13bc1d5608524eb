"""The decision flow driven through its services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from decisions import services
from decisions.models import DecisionEntry, ProposalStatus
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db


def _sign(ics, p, who, outcome="approve", comment=""):
    signoff = open_signoffs_for(ics[who]).get(subject_id=p.pk)
    return signoff_decide(actor=ics[who], signoff=signoff, outcome=outcome, comment=comment)


def test_officer_decided_path(ics, make_proposal):
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    p.refresh_from_db()
    assert p.status == ProposalStatus.IN_SIGNOFF
    assert SignOff.objects.filter(subject_id=p.pk, status=SignOffStatus.PENDING).count() == 3
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        _sign(ics, p, who)
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION  # never "approved by system"
    assert not DecisionEntry.objects.filter(proposal=p).exists()
    entry = services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=p, outcome="approved", reason="Value for money."
    )
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    assert entry.route == "officer" and list(entry.deciders.all()) == [ics["icb_sign"]]
    assert "Director of Finance" in entry.decided_by
    assert entry.delegation == p.sord_band and entry.sord_version.number == 1
    assert len(entry.signoff_summary) == 3
    call_command("verify_audit")


def test_board_path_and_rejection(ics, make_proposal):
    p = make_proposal("750000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        _sign(ics, p, who)
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    assert p.sord_band.committee.name == "ICB Board"

    q = make_proposal("20000", title="Second")
    services.proposal_submit(actor=ics["proposer"], proposal=q)
    services.proposal_review(actor=ics["secretariat"], proposal=q, accept=True)
    _sign(ics, q, "council_sign", "reject", "Not affordable")
    q.refresh_from_db()
    assert q.status == ProposalStatus.REJECTED
    # the other two were cancelled as no longer needed
    assert SignOff.objects.filter(subject_id=q.pk, status=SignOffStatus.CANCELLED).count() == 2


def test_return_resubmit_withdraw_and_restart(ics, make_proposal):
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=False, reason="Add costs")
    p.refresh_from_db()
    assert p.status == ProposalStatus.RETURNED
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    _sign(ics, p, "trust_sign")
    services.proposal_update(
        actor=ics["proposer"], proposal=p, financial_value="60000", reason="Costs revised"
    )
    p.refresh_from_db()
    assert p.signoff_round == 2
    assert (
        SignOff.objects.filter(subject_id=p.pk, round=2, status=SignOffStatus.PENDING).count() == 3
    )
    services.proposal_withdraw(actor=ics["proposer"], proposal=p, reason="No longer needed")
    p.refresh_from_db()
    assert p.status == ProposalStatus.WITHDRAWN
    assert not SignOff.objects.filter(subject_id=p.pk, status=SignOffStatus.PENDING).exists()
    call_command("verify_audit")
