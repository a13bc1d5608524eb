"""The demo pooled fund: realistic, in every state, reconciling, and seeded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from budgets import balances
from budgets.models import Allocation, AllocationStatus, ChangeStatus, PooledFund
from governance.audit.models import AuditEvent
from governance.audit.selectors import verify_chain
from governance.signoffs.models import SignOffStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    return PooledFund.objects.get(agreement_reference="S75-NMC-BCF-2026")


def test_demo_fund_has_allocations_in_several_states(demo):
    assert demo.status == "active"
    assert demo.host_organisation.identifier == "E08000901"
    assert demo.pool_manager.username == "icb.member"
    partners = set(demo.contributions.values_list("organisation__identifier", flat=True))
    assert partners == {"QX9", "E08000901", "RZ2"}
    states = set(Allocation.objects.filter(fund=demo).values_list("status", flat=True))
    assert states >= {
        AllocationStatus.COMMITTED,
        AllocationStatus.IN_SIGNOFF,
        AllocationStatus.RETURNED,
        AllocationStatus.SUBMITTED,
        AllocationStatus.REJECTED,
    }
    position = balances.fund_position(demo)
    assert position.contributed == 23_000_000
    # the last £420,000: winter surge beds approved by the Northmere place partnership
    # board at its meeting, the fund being hosted at place (budgets.demo_place)
    assert position.committed == 2_400_000 + 1_850_000 - 120_000 + 420_000 + 420_000
    assert states >= {AllocationStatus.AWAITING_DECISION}  # one awaits the board's next meeting
    assert position.spent == 600_000 + 550_000 + 900_000 + 105_000
    in_signoff = Allocation.objects.get(
        fund=demo, status=AllocationStatus.IN_SIGNOFF, recipient__identifier="RZ2"
    )
    statuses = sorted(in_signoff_signoffs(in_signoff))
    assert statuses == ["approved", "pending", "pending"]
    assert demo.contributions.get(organisation__identifier="RZ2").changes.get().status == (
        ChangeStatus.IN_SIGNOFF
    )


def test_demo_report_shares_the_forecast_overspend(demo):
    from decimal import Decimal

    from budgets.reports.position import fund_report

    report = fund_report(demo)
    # S1 +250,000, S2 -150,000, S4 +120,000: a net overspend of 220,000 shared 62/34/4
    assert report.variance == Decimal("220000.00") and report.outcome == "overspend"
    shares = {r.organisation.identifier: r.variance for r in report.partners}
    assert shares == {
        "QX9": Decimal("136400.00"),
        "E08000901": Decimal("74800.00"),
        "RZ2": Decimal("8800.00"),
    }


def in_signoff_signoffs(a):
    from governance.signoffs.selectors import signoffs_for

    return [s.status for s in signoffs_for(a, a.signoff_round)]


def test_demo_is_idempotent_and_reconciles(demo):
    events = AuditEvent.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert AuditEvent.objects.count() == events
    assert PooledFund.objects.count() == 3  # a Better Care Fund at each of three places
    out = StringIO()
    call_command("reconcile_funds", stdout=out)
    assert "reconciles" in out.getvalue()
    assert verify_chain().ok


def test_demo_conflicted_signatory_was_not_used(demo):
    """northmere.signatory declared an interest in the VCSE Alliance, so the carers'
    allocation to it was signed for the council by the other signatory."""
    carers = Allocation.objects.get(
        fund=demo, recipient__identifier="1999001", status=AllocationStatus.COMMITTED
    )
    from governance.signoffs.selectors import signoffs_for

    council = next(s for s in signoffs_for(carers) if s.organisation.identifier == "E08000901")
    assert council.status == SignOffStatus.APPROVED
    assert council.signatory.username == "northmere.signatory2"
