"""Row locks for changes to a fund's money, always taken in the same order.

Lock order in every budgets service: the audit chain head, then the fund row, then
the scheme line row, then the allocation row.

Why the audit chain head first: every audited change locks the chain head (one row)
until its transaction ends. A commit at the end of partner sign-off runs inside the
signatory's transaction, after ``signoff_decide`` has written its audit event, so it
holds the chain head *before* it locks the fund. A service that locked the fund first
and the chain head second (on its first audit event) could then deadlock with it.
Taking the chain head first everywhere keeps one order.

The fund and scheme line locks are what make the money checks safe in themselves
(``SELECT … FOR UPDATE``): they do not rely on the audit lock serialising writers.
"""

from __future__ import annotations

from django.db import transaction

from budgets.models import Allocation, PooledFund, SchemeLine
from governance.audit import services as audit_services


def _need_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Budget locks are only taken inside a transaction.")


def audit_first() -> None:
    """Take the audit chain head's lock now (the first lock of every budgets change).

    Uses governance.audit's own lock (it creates the head if missing).
    """
    _need_transaction()
    audit_services.audit_lock()


def lock_fund(fund_id: int) -> PooledFund:
    _need_transaction()
    return PooledFund.objects.select_for_update().get(pk=fund_id)


def lock_line(line_id: int) -> SchemeLine:
    _need_transaction()
    return SchemeLine.objects.select_for_update().get(pk=line_id)


def lock_allocation(allocation_id: int) -> Allocation:
    _need_transaction()
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("fund", "scheme_line", "recipient", "requesting_organisation")
        .get(pk=allocation_id)
    )
