"""``reconcile_funds``: every fund's derived position against its entries; non-zero
exit on any mismatch."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budgets.models import EntryKind, LedgerEntry
from tests.budgets.helpers import commit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    """Run the command; a mismatch raises CommandError (manage.py then exits with 1)."""
    out = StringIO()
    call_command("reconcile_funds", *args, stdout=out)
    return out.getvalue()


def test_healthy_funds_reconcile(parties, fund, make_fund):
    commit(parties, fund, "100000.00")
    make_fund(name="Second pool")
    out = run()
    assert "FUND-2026-0001 Better Care Fund: reconciles" in out
    assert "committed £100,000.00" in out and "All 2 fund(s) reconcile." in out
    assert "reconciles" in run("--fund", fund.reference)
    with pytest.raises(CommandError, match="No fund"):
        run("--fund", "FUND-1999-0001")


def test_an_overspent_allocation_is_a_mismatch(parties, fund):
    a = commit(parties, fund, "100000.00")
    # written behind the services' back (as a faulty import or manual SQL might)
    LedgerEntry.objects.create(
        fund=fund, kind=EntryKind.SPEND, amount="150000.00", allocation=a, scheme_line=a.scheme_line
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 fund"):
        call_command("reconcile_funds", stdout=out)
    text = out.getvalue()
    assert "MISMATCH" in text
    assert f"allocation {a.reference}: released and spent more than committed" in text


def test_a_commitment_without_a_committed_allocation_is_a_mismatch(parties, fund):
    from tests.budgets.helpers import raise_allocation

    a = raise_allocation(parties, fund)
    LedgerEntry.objects.create(
        fund=fund,
        kind=EntryKind.COMMITMENT,
        amount=a.amount,
        allocation=a,
        scheme_line=a.scheme_line,
    )
    with pytest.raises(CommandError):
        run()
    LedgerEntry.objects.create(
        fund=fund,
        kind=EntryKind.COMMITMENT,
        amount="2000000.00",
        allocation=a,
        scheme_line=a.scheme_line,
    )
    from budgets.reconcile import reconcile_fund

    problems = reconcile_fund(fund)
    assert any("is submitted but has ledger entries" in p for p in problems)
    assert any("exceeds its budget" in p for p in problems)
    assert any("fund: uncommitted is negative" in p for p in problems)
