"""Pooled funds hosted at place (e.g. a Better Care Fund): the place partnership decides
signed-off allocations at its meetings, within the delegation the SoRD gives it; above
it, the ICB board decides. Who decides is ``budgets.policy.deciding_committee``.

A signed-off allocation from such a fund waits (``AWAITING_DECISION``); the secretariat
tables it at a meeting of that committee (the subject registry's ``awaiting_decision``
and ``deciding_committee``); the meeting's decision reaches ``allocation_decide_at_meeting``
through ``on_board_decision``: approval commits the money (if it still fits), refusal
declines the allocation. The decision is entered in the decision register by the
meetings app (``register_facts``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from budgets import locks, notifications, policy
from budgets.models import Allocation, AllocationStatus, PooledFund
from budgets.services._common import audit
from budgets.services.ledger import allocation_commit, audit_for_host

PLACE_KIND = "place_partnership"


def needs_meeting(allocation: Allocation) -> bool:
    return policy.deciding_committee(allocation) is not None


@transaction.atomic
def fund_host_at_place(
    *, actor, fund: PooledFund, committee, decision_type_code: str, reason: str
) -> PooledFund:
    """Host ``fund`` at a place partnership: its allocations are then decided under the
    SoRD's ``decision_type_code``, which must delegate (at least its lowest band) to that
    place partnership."""
    if not policy.can_host_at_place(actor):
        raise PermissionDenied("Only the ICB secretariat hosts a fund at place.")
    from governance import subjects

    errors: dict[str, str] = {}
    code = (decision_type_code or "").strip()
    if committee is None or committee.kind != PLACE_KIND:
        errors["host_committee"] = "Choose a place partnership committee."
    elif not committee.is_active:
        errors["host_committee"] = f"{committee.name} is no longer active."
    if not code:
        errors["decision_type_code"] = "Give the SoRD decision type its allocations fall under."
    if not (reason or "").strip():
        errors["reason"] = "Say why (e.g. the ICB board's delegation to the place)."
    if errors:
        raise ValidationError(errors)
    try:
        lowest = subjects.delegated_committee(code, 0)
    except ValidationError as exc:
        raise ValidationError({"decision_type_code": exc.messages}) from None
    if lowest is None or lowest.pk != committee.pk:
        raise ValidationError(
            {
                "decision_type_code": f"The SoRD in force does not delegate this decision "
                f"type to the {committee.name}."
            }
        )
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    before = {
        "host_committee": fund.host_committee_id,
        "decision_type_code": fund.decision_type_code,
    }
    fund.host_committee, fund.decision_type_code = committee, code
    fund.save(update_fields=["host_committee", "decision_type_code", "updated_at"])
    audit(
        actor,
        "fund.hosted_at_place",
        fund,
        organisation=fund.host_organisation,
        changes={
            "host_committee": {"before": before["host_committee"], "after": committee.pk},
            "decision_type_code": {"before": before["decision_type_code"], "after": code},
        },
        reason=reason.strip(),
    )
    return fund


def allocation_await_decision(*, allocation: Allocation) -> Allocation:
    """Flow step (in the last signatory's transaction): signed off, now for the
    committee the SoRD names."""
    a = locks.lock_allocation(allocation.pk)
    if a.status != AllocationStatus.IN_SIGNOFF:
        raise ValidationError(f"{a.reference} is {a.get_status_display().lower()}.")
    committee = policy.deciding_committee(a)
    a.status = AllocationStatus.AWAITING_DECISION
    a.save(update_fields=["status", "updated_at"])
    audit_for_host(
        None,
        "allocation.awaiting_decision",
        a,
        {
            "status": {"before": AllocationStatus.IN_SIGNOFF, "after": a.status},
            "committee": committee.name,
        },
    )
    notifications.concluded(a, f"signed off: for the {committee.name} to decide")
    return a


@transaction.atomic
def allocation_decide_at_meeting(
    *,
    actor,
    allocation: Allocation,
    outcome: str,
    item,
    notes: str = "",
    decided_on: datetime.date | None = None,
) -> Allocation:
    """The committee decided ``allocation`` on ``item`` (quorum, conflicts and votes
    checked by the meetings app): approval commits the money, refusal declines it."""
    if outcome not in ("approved", "rejected"):
        raise ValidationError({"outcome": "Choose approved or rejected."})
    a = Allocation.objects.select_related("fund").get(pk=allocation.pk)
    if a.status != AllocationStatus.AWAITING_DECISION:
        raise ValidationError(
            f"{a.reference} is {a.get_status_display().lower()}: it is not awaiting a decision."
        )
    committee = policy.deciding_committee(a)
    if item is None or item.meeting.committee_id != getattr(committee, "pk", None):
        raise ValidationError(
            f"Under the SoRD, {a.reference} is for the "
            f"{committee.name if committee else 'pool manager'} to decide."
        )
    if (
        item.subject_type_id is None
        or item.subject_id != a.pk
        or not isinstance(item.subject, Allocation)
    ):
        raise ValidationError("The agenda item is not about this allocation.")
    if outcome == "approved":
        return allocation_commit(actor=actor, allocation=a, decided_at=item)
    locks.audit_first()
    a = locks.lock_allocation(a.pk)
    a.status = AllocationStatus.DECLINED
    a.failure_reason = (notes or "").strip() or f"Not approved by the {committee.name}."
    a.save(update_fields=["status", "failure_reason", "updated_at"])
    audit_for_host(
        actor,
        "allocation.declined",
        a,
        {
            "status": {"before": AllocationStatus.AWAITING_DECISION, "after": a.status},
            "meeting_item": item.pk,
        },
        a.failure_reason,
    )
    notifications.concluded(a, f"not approved by the {committee.name}", notes)
    return a
