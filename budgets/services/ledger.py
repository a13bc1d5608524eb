"""Money movements against allocations: the commit at the end of sign-off, releases
and spend. Each checks the derived balances under row locks (fund, then scheme line,
then allocation; see ``budgets.locks``) and appends ledger entries; nothing is ever
updated or deleted in the ledger."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import balances, locks, money, notifications, policy
from budgets.models import Allocation, AllocationStatus, EntryKind, FundStatus, LedgerEntry
from budgets.services._common import Errors, audit, text
from budgets.services.funds import write_entry
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import Outcome, outcome


def audit_for_host(actor, verb, a: Allocation, changes=None, reason=""):
    """Audit a change to an allocation's money, filed under the fund's host (it keeps
    the accounts)."""
    return audit(
        actor,
        verb,
        a,
        organisation=a.fund.host_organisation,
        changes=changes,
        reason=reason,
        label=f"{a.reference} {a.fund.name}",
    )


def _no_longer_fits(a: Allocation) -> str | None:
    """Why the allocation cannot be committed now (fund and line rows locked), or None."""
    fund = a.fund
    if fund.status != FundStatus.ACTIVE:
        return f"The fund is {fund.get_status_display().lower()}: nothing can be committed."
    available = balances.fund_position(fund.pk).uncommitted
    if a.amount > available:
        return (
            f"The fund no longer holds enough: {money.gbp(available)} uncommitted, "
            f"{money.gbp(a.amount)} asked. Nothing was committed."
        )
    line_left = a.scheme_line.budget - balances.line_position(a.scheme_line_id).committed
    if a.amount > line_left:
        return (
            f"Scheme line {a.scheme_line} no longer has enough budget: "
            f"{money.gbp(line_left)} left, {money.gbp(a.amount)} asked. Nothing was committed."
        )
    return None


def _signed_off(a: Allocation) -> bool:
    """Every partner asked in the current round approved (or nobody was asked because
    no partner has contributed anything)."""
    from budgets.services.allocations import signing_organisations

    statuses = signoff_selectors.statuses_of_round(a, a.signoff_round)
    if not statuses:
        return not signing_organisations(a.fund)
    return outcome(SignOffRule.ALL, statuses) == Outcome.APPROVED


@transaction.atomic
def allocation_commit(*, actor, allocation: Allocation, decided_at=None) -> Allocation:
    """Reserve the allocation's money in the ledger, if it still fits.

    The fund row and the scheme line row are locked (SELECT … FOR UPDATE) before the
    balances are read, so concurrent commits against one fund queue and each sees the
    others' commitments: together they can never overspend the fund or the line. An
    allocation that no longer fits is marked failed with the reason, and nothing is
    committed. ``decided_at``: the agenda item of the meeting that approved an
    allocation awaiting a committee's decision (see ``budgets.services.place``).
    """
    locks.audit_first()
    a = Allocation.objects.only("fund_id", "scheme_line_id").get(pk=allocation.pk)
    fund = locks.lock_fund(a.fund_id)
    line = locks.lock_line(a.scheme_line_id)
    a = locks.lock_allocation(a.pk)
    a.fund, a.scheme_line = fund, line
    before = a.status
    wanted = AllocationStatus.AWAITING_DECISION if decided_at else AllocationStatus.IN_SIGNOFF
    if a.status != wanted or not _signed_off(a):
        raise ValidationError(
            f"Only an allocation signed off by every contributing partner is committed; "
            f"{a.reference} is {a.get_status_display().lower()}."
        )
    memo = f"Signed off by the contributing partners (round {a.signoff_round})."
    if decided_at is not None:
        memo = (
            f"Signed off by the contributing partners and approved by the "
            f"{decided_at.meeting.committee.name}, item {decided_at.position}."
        )
    problem = _no_longer_fits(a)
    if problem:
        a.status = AllocationStatus.FAILED
        a.failure_reason = problem
        a.save()
        audit_for_host(
            actor,
            "allocation.commit_failed",
            a,
            {"status": {"before": before, "after": a.status}},
            problem,
        )
        notifications.concluded(a, "not committed", problem)
        return a
    entry = write_entry(
        fund=fund,
        kind=EntryKind.COMMITMENT,
        amount=a.amount,
        actor=actor,
        allocation=a,
        scheme_line=line,
        reference=a.reference,
        memo=memo,
    )
    a.status = AllocationStatus.COMMITTED
    a.committed_at = timezone.now()
    a.save()
    audit_for_host(
        actor,
        "allocation.committed",
        a,
        {
            "status": {"before": before, "after": a.status},
            "amount": str(a.amount),
            "ledger_entry": entry.pk,
        },
    )
    notifications.concluded(a, "committed")
    return a


def allocation_commit_step(activation) -> None:
    """Flow step after every partner signed off (runs in the last signatory's
    transaction): commit, or, from a fund hosted at place, wait for the committee the
    SoRD names to decide at a meeting (``budgets.services.place``)."""
    from budgets.services.place import allocation_await_decision, needs_meeting

    a = Allocation.objects.select_related("fund").get(pk=activation.process.artifact_object_id)
    if needs_meeting(a):
        allocation_await_decision(allocation=a)
    else:
        allocation_commit(actor=None, allocation=a)


def _money_change(
    actor,
    allocation,
    amount,
    kind: str,
    verb: str,
    reference: str,
    memo: str,
    memo_field: str,
    reason_required: str,
) -> LedgerEntry:
    errors = Errors()
    amount = errors.check(money.money, amount, "amount", positive=True)
    memo = text(memo, memo_field, errors, required=reason_required)
    reference = text(reference, "reference", errors, max_length=60)
    errors.raise_if_any()
    locks.audit_first()
    a = Allocation.objects.only("fund_id", "scheme_line_id").get(pk=allocation.pk)
    fund = locks.lock_fund(a.fund_id)
    line = locks.lock_line(a.scheme_line_id)
    a = locks.lock_allocation(a.pk)
    if not policy.can_record_money(actor, fund):
        raise PermissionDenied("Only the pool manager or the host's finance team records this.")
    if a.status != AllocationStatus.COMMITTED:
        done = "released" if kind == EntryKind.RELEASE else "spent"
        raise ValidationError(
            f"Only committed money can be {done}; {a.reference} is "
            f"{a.get_status_display().lower()}."
        )
    if fund.status != FundStatus.ACTIVE:
        raise ValidationError(f"The fund is {fund.get_status_display().lower()}.")
    unspent = balances.allocation_position(a.pk).unspent
    if amount > unspent:
        raise ValidationError(
            {"amount": f"Only {money.gbp(unspent)} of {a.reference} is committed and unspent."}
        )
    entry = write_entry(
        fund=fund,
        kind=kind,
        amount=amount,
        actor=actor,
        allocation=a,
        scheme_line=line,
        reference=reference or a.reference,
        memo=memo,
    )
    audit_for_host(
        actor,
        verb,
        a,
        {
            "amount": str(amount),
            "unspent": {"before": str(unspent), "after": str(unspent - amount)},
            "ledger_entry": entry.pk,
            "reference": entry.reference,
        },
        memo,
    )
    return entry


@transaction.atomic
def allocation_release(
    *, actor, allocation: Allocation, amount, reason: str, reference: str = ""
) -> LedgerEntry:
    """Give back part or all of a commitment's unspent money to the fund."""
    return _money_change(
        actor,
        allocation,
        amount,
        EntryKind.RELEASE,
        "allocation.released",
        reference,
        reason,
        "reason",
        "Say why the money is released.",
    )


@transaction.atomic
def allocation_spend(
    *, actor, allocation: Allocation, amount, reference: str, memo: str = ""
) -> LedgerEntry:
    """Record money paid out against a commitment (e.g. an invoice)."""
    if not (reference or "").strip():
        raise ValidationError({"reference": "Give the payment's reference, e.g. the invoice."})
    return _money_change(
        actor,
        allocation,
        amount,
        EntryKind.SPEND,
        "allocation.spent",
        reference,
        memo or f"Payment {reference}",
        "memo",
        "Describe the payment.",
    )
