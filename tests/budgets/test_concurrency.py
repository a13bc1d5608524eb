"""Many commits against one fund at the same moment (PostgreSQL, threads): exactly the
ones that fit are committed and nothing more, whatever order they run in."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from budgets import balances, locks, services
from budgets.models import Allocation, AllocationStatus, LedgerEntry
from budgets.reconcile import reconcile_fund
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff
from tests.budgets.helpers import accept, raise_allocation, sign, signoff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs):
    """Run each job in its own thread, released together; return their exceptions."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    return errors


def replay(allocations, holds: Decimal, line_budget: Decimal):
    """The outcome in the order the commits actually ran (audit sequence) must be the
    sequential one: each committed allocation fitted then, each failed one did not."""
    by_pk = {a.pk: a for a in allocations}
    events = AuditEvent.objects.filter(
        verb__in=["allocation.committed", "allocation.commit_failed"],
        target_id__in=[str(pk) for pk in by_pk],
    ).order_by("seq")
    assert events.count() == len(allocations)
    used = Decimal("0.00")
    for e in events:
        a = by_pk[int(e.target_id)]
        fits = used + a.amount <= min(holds, line_budget)
        assert (e.verb == "allocation.committed") == fits, (a.reference, used, a.amount)
        if fits:
            used += a.amount
    return used


def prepare(parties, fund, amounts, line="S1"):
    """Raise and accept each request; every partner but the trust signs it off."""
    allocations = []
    for amount in amounts:
        a = accept(parties, raise_allocation(parties, fund, amount, line=line))
        sign(parties, a, "icb")
        sign(parties, a, "council")
        allocations.append(a)
    return allocations


def test_final_signoffs_at_once_commit_exactly_what_fits(parties, make_fund):
    fund = make_fund(lines=(("S1", "Everything", "1000000"),))
    amounts = ["100000.00"] * 20 + ["600000.00"] * 4  # 10% each, and some for 60%
    allocations = prepare(parties, fund, amounts)
    errors = run_together([lambda a=a: sign(parties, a, "trust") for a in allocations])
    assert errors == []
    allocations = list(Allocation.objects.filter(pk__in=[a.pk for a in allocations]))
    assert {a.status for a in allocations} <= {AllocationStatus.COMMITTED, AllocationStatus.FAILED}
    used = replay(allocations, Decimal("1000000.00"), Decimal("1000000.00"))
    position = balances.fund_position(fund)
    assert position.committed == used <= Decimal("1000000.00")
    assert position.uncommitted < Decimal("100000.00")  # not even a 10% request fits now
    committed = [a for a in allocations if a.status == AllocationStatus.COMMITTED]
    assert LedgerEntry.objects.filter(fund=fund, kind="commitment").count() == len(committed)
    for a in allocations:
        if a.status == AllocationStatus.FAILED:
            assert "no longer holds enough" in a.failure_reason or "no longer has" in (
                a.failure_reason
            )
            assert signoff(a, parties["trust"]).status == "approved"
    assert reconcile_fund(fund) == []
    call_command("verify_audit")


@pytest.mark.parametrize("audit_first", [True, False], ids=["usual", "fund-lock-alone"])
def test_direct_commits_at_once_never_overspend(parties, make_fund, monkeypatch, audit_first):
    """The commit service itself, called at once from many threads. With the audit lock
    taken late (``fund-lock-alone``), only the fund and line row locks keep it safe."""
    if not audit_first:
        monkeypatch.setattr(locks, "audit_first", lambda: None)
    fund = make_fund(lines=(("S1", "Everything", "1000000"),))
    allocations = []
    for amount in ["100000.00"] * 20 + ["600000.00"] * 5:
        allocations.append(accept(parties, raise_allocation(parties, fund, amount)))
    # test set-up: mark the sign-offs given (the last one would otherwise commit at once)
    SignOff.objects.filter(subject_type__model="allocation").update(
        status="approved", signatory=parties["icb_sign"], decided_at=timezone.now()
    )
    errors = run_together(
        [lambda a=a: services.allocation_commit(actor=None, allocation=a) for a in allocations]
    )
    assert errors == []
    allocations = list(Allocation.objects.filter(pk__in=[a.pk for a in allocations]))
    used = replay(allocations, Decimal("1000000.00"), Decimal("1000000.00"))
    assert balances.fund_position(fund).committed == used <= Decimal("1000000.00")
    assert reconcile_fund(fund) == []


def test_the_line_budget_holds_under_concurrency(parties, make_fund):
    fund = make_fund(lines=(("S1", "Small", "500000"), ("S2", "Rest", "500000")))
    allocations = prepare(parties, fund, ["100000.00"] * 10)
    errors = run_together([lambda a=a: sign(parties, a, "trust") for a in allocations])
    assert errors == []
    statuses = list(
        Allocation.objects.filter(pk__in=[a.pk for a in allocations]).values_list(
            "status", flat=True
        )
    )
    assert statuses.count(AllocationStatus.COMMITTED) == 5
    assert statuses.count(AllocationStatus.FAILED) == 5
    assert balances.line_position(fund.lines.get(code="S1").pk).committed == 500_000
    assert reconcile_fund(fund) == []
