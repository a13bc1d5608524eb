"""``manage.py seed_scale`` at a tiny scale: the copies are in every state the services
produce, the pages render them, and the audit chain stays intact."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from budgets.models import Allocation, PooledFund
from decisions.models import DecisionEntry, Proposal, ProposalStatus
from governance.audit.models import AuditEvent, ChainHead
from governance.audit.selectors import verify_chain
from governance.meetings.models import Meeting, PackVersion
from governance.organisations.models import Organisation
from governance.risks.models import Risk
from governance.scale.load import seed_scale, sizes
from governance.signoffs.models import SignOff

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TINY = {
    "organisations": 24,
    "users": 60,
    "proposals": 48,
    "risks": 30,
    "meetings": 20,
    "funds": 8,
    "allocations": 40,
    "events": 4000,
}


def by_status(model) -> dict[str, int]:
    return dict(model.objects.values_list("status").annotate(n=Count("pk")))


def test_seed_scale_loads_every_state_renders_and_keeps_the_chain(client):
    seed_scale(scale=0.001, **TINY)

    assert Organisation.objects.count() == 24
    assert get_user_model().objects.count() == 60
    proposals = by_status(Proposal)
    assert sum(proposals.values()) == 48
    assert set(proposals) == set(ProposalStatus.values), proposals
    # every prototype (the demo's proposals and the two added ones) has copies
    assert proposals[ProposalStatus.WITHDRAWN] >= 2
    assert proposals[ProposalStatus.REJECTED] >= 2
    assert proposals[ProposalStatus.APPROVED] >= 6
    assert Risk.objects.count() == 30
    assert len(by_status(Risk)) >= 3
    assert Meeting.objects.count() == 20
    assert PooledFund.objects.count() >= 8  # the demo's funds and copies of its first
    copied = PooledFund.objects.order_by("-pk").first()
    assert copied.allocations.exists()
    assert Allocation.objects.count() == 40
    assert len(by_status(Allocation)) >= 4
    assert AuditEvent.objects.count() == 4000

    # references are fresh, and every decided proposal has its one register entry
    assert Proposal.objects.values("reference").distinct().count() == 48
    decided = Proposal.objects.filter(status__in=["approved", "rejected"])
    assert DecisionEntry.objects.filter(proposal__in=decided).count() == decided.count()
    entries = DecisionEntry.objects.filter(proposal__isnull=False)
    assert set(entries.values_list("reference", flat=True)) <= set(
        Proposal.objects.values_list("reference", flat=True)
    )
    # register entries of other records (e.g. an allocation decided at a meeting) follow
    # their copies: one per record
    others = DecisionEntry.objects.filter(proposal__isnull=True, subject_id__isnull=False)
    pairs = list(others.values_list("subject_type", "subject_id"))
    assert len(pairs) == len(set(pairs))
    # a copy's sign-offs, tasks and process point at the copy, not at its prototype
    copy = Proposal.objects.filter(status="in_signoff").order_by("-pk").first()
    signoffs = SignOff.objects.filter(subject_id=copy.pk, subject_type__model="proposal")
    assert signoffs.exists()
    assert all(s.task.process.artifact_object_id == copy.pk for s in signoffs if s.task)
    assert all(s.task.process.data["proposal"] == copy.pk for s in signoffs if s.task)
    events = AuditEvent.objects.filter(target_type="decisions.proposal", target_id=str(copy.pk))
    assert events.filter(verb="proposal.created").count() == 1
    # the copied meetings carry packs (the prototype's stored PDF), when the demo
    # rendered one (it does where WeasyPrint runs the job)
    if PackVersion.objects.exists():
        assert PackVersion.objects.values("meeting").distinct().count() >= 6

    result = verify_chain()
    assert result.ok, result.problem
    assert result.checked == ChainHead.objects.get(id=1).seq == 4000
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()

    client.force_login(get_user_model().objects.get(username="icb.signatory"))
    for url in ("/inbox/", "/decisions/", "/risks/", "/funds/", "/meetings/", "/public/"):
        response = client.get(url)
        assert response.status_code == 200, url
    fund = PooledFund.objects.order_by("-pk").first()
    assert client.get(f"/funds/{fund.pk}/").status_code == 200
    assert client.get(reverse("decisions:proposal-detail", args=[copy.pk])).status_code == 200

    # the reference counters moved past the copies: the services' next number is fresh
    from decisions import services
    from decisions.models import DecisionType

    member = get_user_model().objects.get(username="acute.member")
    made = services.proposal_create(
        actor=member,
        proposing_organisation=Organisation.objects.get(identifier="RZ1"),
        title="Stroke early supported discharge",
        summary="Early supported discharge after stroke across the partners.",
        financial_value="90000.00",
        decision_type=DecisionType.objects.get(code="commissioning"),
    )
    assert Proposal.objects.filter(reference=made.reference).count() == 1

    # loading again at the same size adds nothing
    seed_scale(scale=0.001, **TINY)
    assert Proposal.objects.count() == 49
    assert AuditEvent.objects.count() == 4001


def test_sizes_scale_the_defaults():
    assert sizes(1.0)["events"] == 1_000_000
    assert sizes(0.01) == {
        "organisations": 1,
        "users": 4,
        "proposals": 200,
        "risks": 50,
        "meetings": 2,
        "funds": 1,
        "allocations": 100,
        "events": 10_000,
    }


@pytest.mark.parametrize("args", [["--scale", "0"], ["--scale", "11"], ["--batch", "0"]])
def test_seed_scale_refuses_bad_options(args):
    with pytest.raises(CommandError):
        call_command("seed_scale", *args)
    assert not Proposal.objects.exists()
