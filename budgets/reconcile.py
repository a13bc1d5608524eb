"""Reconciling funds: the derived position (aggregate queries) against the entries
themselves (summed one by one in Python), and the rules every ledger must keep.

``reconcile_fund`` returns the problems found (empty when the fund reconciles):

1. the fund's, each scheme line's, each allocation's and each partner's totals from
   the aggregate queries equal the sums of their entries;
2. the parts add up: lines and allocations to the fund's commitments and spend,
   partners to its contributions;
3. nothing is negative that cannot be: each partner's contribution, the fund's
   uncommitted and unspent money, each line's room under its budget, each
   allocation's unspent commitment;
4. entries agree with their records: an allocation's entries are in its fund and
   scheme line; a committed allocation has exactly one commitment of its amount, and
   an allocation that was never committed has no entries; partner entries name a
   partner of the fund.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from budgets import balances
from budgets.models import Allocation, AllocationStatus, EntryKind, LedgerEntry, PooledFund
from budgets.money import gbp

ZERO = Decimal("0.00")
TOTAL_OF = {
    EntryKind.CONTRIBUTION: "contributed",
    EntryKind.ADJUSTMENT: "contributed",  # signed: a reduction is negative
    EntryKind.COMMITMENT: "commitments",
    EntryKind.RELEASE: "released",
    EntryKind.SPEND: "spent",
}


def _sum_entries(entries) -> balances.Position:
    totals = defaultdict(lambda: ZERO)
    for e in entries:
        totals[TOTAL_OF[e.kind]] += e.amount
    return balances.Position(**totals)


def _compare(label: str, derived: balances.Position, summed: balances.Position) -> list[str]:
    problems = []
    for name in ("contributed", "commitments", "released", "spent"):
        a, b = getattr(derived, name), getattr(summed, name)
        if a != b:
            problems.append(f"{label}: {name} derived {gbp(a)} but the entries sum to {gbp(b)}")
    return problems


def reconcile_fund(fund: PooledFund) -> list[str]:
    problems: list[str] = []
    entries = list(LedgerEntry.objects.filter(fund=fund).order_by("pk"))
    summed = _sum_entries(entries)
    derived = balances.fund_position(fund)
    problems += _compare("fund", derived, summed)

    by_line, by_alloc, by_org = defaultdict(list), defaultdict(list), defaultdict(list)
    for e in entries:
        if e.scheme_line_id:
            by_line[e.scheme_line_id].append(e)
        if e.allocation_id:
            by_alloc[e.allocation_id].append(e)
        if e.organisation_id:
            by_org[e.organisation_id].append(e)

    lines = {line.pk: line for line in fund.lines.all()}
    line_positions = balances.line_positions(fund)
    for line_id, line_entries in by_line.items():
        line = lines.get(line_id)
        if line is None:
            problems.append(f"entries name scheme line {line_id}, which is not this fund's")
            continue
        position = line_positions.get(line_id, balances.Position())
        problems += _compare(f"scheme line {line.code}", position, _sum_entries(line_entries))
        if position.committed > line.budget:
            problems.append(
                f"scheme line {line.code}: {gbp(position.committed)} committed "
                f"exceeds its budget {gbp(line.budget)}"
            )
        if position.unspent < 0:
            problems.append(f"scheme line {line.code}: spent more than committed")

    allocations = {
        a.pk: a for a in Allocation.objects.filter(pk__in=list(by_alloc)) | fund.allocations.all()
    }
    alloc_positions = balances.allocation_positions(list(allocations))
    for a in allocations.values():
        a_entries = by_alloc.get(a.pk, [])
        position = alloc_positions.get(a.pk, balances.Position())
        problems += _compare(f"allocation {a.reference}", position, _sum_entries(a_entries))
        if a.fund_id != fund.pk:
            problems.append(f"allocation {a.reference} of another fund has entries here")
        if any(e.scheme_line_id != a.scheme_line_id for e in a_entries):
            problems.append(f"allocation {a.reference}: an entry names another scheme line")
        commitments = [e for e in a_entries if e.kind == EntryKind.COMMITMENT]
        if a.status == AllocationStatus.COMMITTED:
            if len(commitments) != 1 or commitments[0].amount != a.amount:
                problems.append(
                    f"allocation {a.reference} is committed but its ledger holds "
                    f"{len(commitments)} commitment(s), not one of {gbp(a.amount)}"
                )
        elif a_entries:
            problems.append(f"allocation {a.reference} is {a.status} but has ledger entries")
        if position.unspent < 0:
            problems.append(f"allocation {a.reference}: released and spent more than committed")

    partners = set(fund.contributions.values_list("organisation_id", flat=True))
    contributed = balances.partner_contributions(fund)
    for org_id, org_entries in by_org.items():
        if org_id not in partners:
            problems.append(f"entries name organisation {org_id}, not a partner of the fund")
        total = sum((e.amount for e in org_entries), ZERO)
        if contributed.get(org_id, ZERO) != total:
            problems.append(
                f"partner {org_id}: contributed derived {gbp(contributed.get(org_id))}"
                f" but the entries sum to {gbp(total)}"
            )
        if total < 0:
            problems.append(f"partner {org_id}: contribution is negative ({gbp(total)})")

    if sum(contributed.values(), ZERO) != derived.contributed:
        problems.append("partners' contributions do not add up to the fund's")
    line_sum = sum((p.committed for p in line_positions.values()), ZERO)
    if line_sum != derived.committed:
        problems.append("scheme lines' commitments do not add up to the fund's")
    if sum((p.spent for p in line_positions.values()), ZERO) != derived.spent:
        problems.append("scheme lines' spend does not add up to the fund's")
    for name in ("contributed", "committed", "spent", "uncommitted", "unspent"):
        if getattr(derived, name) < 0:
            problems.append(f"fund: {name} is negative ({gbp(getattr(derived, name))})")
    return problems


def reconcile_all() -> dict[str, list[str]]:
    return {f.reference: reconcile_fund(f) for f in PooledFund.objects.order_by("reference")}
