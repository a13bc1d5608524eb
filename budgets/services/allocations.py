"""Allocations through their flow (``budgets.flows.AllocationFlow``):

submitted → pool manager review (accept, or return with a reason) → one sign-off task
per contributing partner with a non-zero contribution (shared machinery:
governance.signoffs, rule "every partner must approve") → commit
(``budgets.services.ledger.allocation_commit``).

A returned allocation is revised and resubmitted as a new process.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import balances, locks, money, notifications, policy, selectors
from budgets.models import (
    Allocation,
    AllocationStatus,
    FundStatus,
    PooledFund,
    SchemeLine,
)
from budgets.services._common import Errors, allocation_flow, audit, text
from governance.audit.services import diff, snapshot
from governance.organisations.models import Organisation
from governance.references.services import reference_next
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import SignOffRule, SignOffStatus
from governance.signoffs.rules import Outcome, outcome
from governance.signoffs.services import cancel_open
from governance.workflow import active_process, open_task, process_lock, run_human_task

EDITABLE = ("scheme_line", "recipient", "amount", "purpose", "period_start", "period_end")
AUDIT_FIELDS = (*EDITABLE, "status")


def _audit(actor, verb, a: Allocation, changes=None, reason=""):
    return audit(
        actor,
        verb,
        a,
        organisation=a.requesting_organisation,
        changes=changes,
        reason=reason,
        label=f"{a.reference} {a.fund.name}",
    )


def fund_state_error(fund: PooledFund) -> str | None:
    if fund.status == FundStatus.CLOSED:
        return "This fund is closed: no more allocations can be made from it."
    if fund.status == FundStatus.DRAFT:
        return "This fund is not active yet: allocations can be made once it is activated."
    return None


def _day(d: datetime.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _date(value, field: str, errors: Errors) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, "Enter a date as YYYY-MM-DD.")
        return None


def _validate(a: Allocation, fund: PooledFund, values: dict, errors: Errors) -> None:
    """Check the editable fields in ``values`` and set them on ``a``."""
    if "scheme_line" in values:
        line = values["scheme_line"]
        if line is None:
            errors.add("scheme_line", "Choose the scheme line the money comes from.")
        elif line.fund_id != fund.pk:
            errors.add("scheme_line", "That scheme line belongs to another fund.")
        else:
            a.scheme_line = line
    if "recipient" in values:
        recipient = values["recipient"]
        if recipient is None:
            errors.add("recipient", "Choose the organisation that receives the money.")
        elif not recipient.is_active:
            errors.add("recipient", f"{recipient.name} is not active.")
        else:
            a.recipient = recipient
    if "amount" in values:
        amount = errors.check(money.money, values["amount"], "amount", positive=True)
        if amount is not None:
            a.amount = amount
    if "purpose" in values:
        a.purpose = text(
            values["purpose"], "purpose", errors, required="Say what the money is for."
        )
    for field in ("period_start", "period_end"):
        if field in values:
            day = _date(values[field], field, errors)
            default = fund.year_start if field == "period_start" else fund.year_end
            setattr(a, field, day or default)
    if a.period_start and a.period_end:
        if a.period_end < a.period_start:
            errors.add("period_end", "The period cannot end before it starts.")
        for field in ("period_start", "period_end"):
            day = getattr(a, field)
            if not fund.year_start <= day <= fund.year_end:
                errors.add(
                    field,
                    f"The period must fall within the fund's financial year {fund.year_label} "
                    f"({_day(fund.year_start)} to {_day(fund.year_end)}).",
                )


def _check_fits(a: Allocation, errors: Errors) -> None:
    """Early advice: does the amount fit what the fund and the line hold now? (The
    commit checks again under row locks; only that check reserves the money.)"""
    if a.amount is None or a.scheme_line_id is None or errors.errors:
        return
    available = balances.fund_position(a.fund_id).uncommitted
    line_available = a.scheme_line.budget - balances.line_position(a.scheme_line_id).committed
    if a.amount > available:
        errors.add(
            "amount",
            f"The fund holds {money.gbp(available)} uncommitted: "
            f"{money.gbp(a.amount)} does not fit.",
        )
    elif a.amount > line_available:
        errors.add(
            "amount",
            f"Scheme line {a.scheme_line} has {money.gbp(line_available)} "
            f"left of its budget: {money.gbp(a.amount)} does not fit.",
        )


def _requesting_org(actor, fund: PooledFund, requested: Organisation | None) -> Organisation:
    mine = policy.raising_organisations(actor, fund)
    if requested is not None:
        if requested.pk not in {o.pk for o in mine}:
            raise ValidationError(
                {
                    "requesting_organisation": "You may raise allocations only for a party to "
                    "this fund that you act for."
                }
            )
        return requested
    if len(mine) == 1:
        return mine[0]
    if actor.pk == fund.pool_manager_id and fund.host_organisation in mine:
        return fund.host_organisation
    raise ValidationError(
        {"requesting_organisation": "Choose the organisation the request is made for."}
    )


@transaction.atomic
def allocation_create(
    *,
    actor,
    fund: PooledFund,
    scheme_line: SchemeLine | None,
    recipient: Organisation | None,
    amount,
    purpose: str,
    period_start=None,
    period_end=None,
    requesting_organisation: Organisation | None = None,
) -> Allocation:
    """Raise an allocation request; it goes straight to the pool manager for review."""
    locks.audit_first()
    fund = PooledFund.objects.select_related("host_organisation", "pool_manager").get(pk=fund.pk)
    if not selectors.can_view_fund(actor, fund):
        raise PermissionDenied("You are not a party to this fund.")
    problem = fund_state_error(fund)
    if problem:
        raise ValidationError({"fund": problem})
    if not policy.raising_organisations(actor, fund):
        raise PermissionDenied("Only officers of the fund's partners may raise allocations.")
    org = _requesting_org(actor, fund, requesting_organisation)
    a = Allocation(fund=fund, requested_by=actor, requesting_organisation=org)
    errors = Errors()
    _validate(
        a,
        fund,
        {
            "scheme_line": scheme_line,
            "recipient": recipient,
            "amount": amount,
            "purpose": purpose,
            "period_start": period_start,
            "period_end": period_end,
        },
        errors,
    )
    _check_fits(a, errors)
    errors.raise_if_any()
    a.reference = reference_next("ALLOC")
    a.submitted_at = timezone.now()
    a.save()
    _audit(actor, "allocation.submitted", a, diff(None, snapshot(a, AUDIT_FIELDS)))
    allocation_flow().start.run(allocation=a)
    notifications.submitted(a)
    return a


@transaction.atomic
def allocation_update(*, actor, allocation: Allocation, reason: str = "", **fields) -> Allocation:
    """Revise a returned allocation (then submit it again)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    locks.audit_first()
    a = locks.lock_allocation(allocation.pk)
    if not policy.can_edit_allocation(actor, a):
        if a.status != AllocationStatus.RETURNED:
            raise ValidationError(
                f"Only a returned allocation can be revised; this one is "
                f"{a.get_status_display().lower()}."
            )
        raise PermissionDenied("You cannot revise this allocation.")
    before = snapshot(a, AUDIT_FIELDS)
    errors = Errors()
    _validate(a, a.fund, fields, errors)
    errors.raise_if_any()
    changes = diff(before, snapshot(a, AUDIT_FIELDS))
    if changes:
        a.save()
        _audit(actor, "allocation.updated", a, changes, reason)
    return a


@transaction.atomic
def allocation_submit(*, actor, allocation: Allocation) -> Allocation:
    """Submit a returned (and revised) allocation again: a new review starts."""
    locks.audit_first()
    a = locks.lock_allocation(allocation.pk)
    if a.status != AllocationStatus.RETURNED:
        raise ValidationError(
            f"Only a returned allocation can be resubmitted; this one is "
            f"{a.get_status_display().lower()}."
        )
    if not policy.can_resubmit(actor, a):
        raise PermissionDenied("You cannot resubmit this allocation.")
    problem = fund_state_error(a.fund)
    if problem:
        raise ValidationError({"fund": problem})
    errors = Errors()
    _check_fits(a, errors)
    errors.raise_if_any()
    a.status = AllocationStatus.SUBMITTED
    a.submitted_at = timezone.now()
    a.save()
    _audit(
        actor,
        "allocation.resubmitted",
        a,
        {"status": {"before": AllocationStatus.RETURNED, "after": a.status}},
    )
    allocation_flow().start.run(allocation=a)
    notifications.submitted(a)
    return a


def signing_organisations(fund: PooledFund) -> list[Organisation]:
    """Partners asked to sign off: every partner whose contribution is above zero."""
    contributed = balances.partner_contributions(fund)
    return [
        c.organisation
        for c in fund.contributions.select_related("organisation").order_by("organisation__name")
        if contributed.get(c.organisation_id, Decimal(0)) > 0
    ]


def _status_error(a: Allocation, action: str, wanted: str) -> ValidationError:
    return ValidationError(
        f"Only {wanted} allocations are {action}; this one is {a.get_status_display().lower()}."
    )


@transaction.atomic
def allocation_review(
    *, actor, allocation: Allocation, accept: bool, reason: str = ""
) -> Allocation:
    """The pool manager accepts a submitted allocation (it goes to the partners for
    sign-off) or returns it to the requester with a reason.

    Lock order as in sign-off: the process, then the audit chain head, then the rows.
    """
    a = Allocation.objects.select_related("fund").get(pk=allocation.pk)
    if not policy.can_review(actor, a):
        raise PermissionDenied("Only the fund's pool manager reviews its allocations.")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": "Say why it is returned, so it can be revised."})
    task = open_task(active_process(a, allocation_flow()), allocation_flow().review)
    if task is None:
        if a.status != AllocationStatus.SUBMITTED:
            raise _status_error(a, "reviewed", "submitted")
        raise ValidationError("There is no open review task for this allocation.")

    def record(activation):
        locks.audit_first()
        locked = locks.lock_allocation(a.pk)
        if locked.status != AllocationStatus.SUBMITTED:
            raise _status_error(locked, "reviewed", "submitted")
        if accept:
            problem = fund_state_error(locked.fund)
            if problem:
                raise ValidationError(problem)
            errors = Errors()
            _check_fits(locked, errors)
            if errors.errors:
                raise ValidationError(
                    f"{errors.errors['amount'][0]} Return it to the requester instead."
                )
        before = locked.status
        if accept:
            orgs = signing_organisations(locked.fund)
            locked.signoff_round += 1
            locked.status = AllocationStatus.IN_SIGNOFF
            locked.return_reason = ""
            locked.save()
            activation.process.data = {
                "allocation": locked.pk,
                "round": locked.signoff_round,
                "rule": SignOffRule.ALL,
                "organisations": [o.pk for o in orgs],
                "accepted": True,
            }
        else:
            locked.status = AllocationStatus.RETURNED
            locked.return_reason = reason
            locked.save()
            activation.process.data = {**activation.process.data, "accepted": False}
        activation.process.save()
        changes = {"status": {"before": before, "after": locked.status}}
        if accept:
            changes["signing_organisations"] = activation.process.data["organisations"]
        _audit(
            actor,
            "allocation.accepted" if accept else "allocation.returned",
            locked,
            changes,
            reason,
        )
        return locked

    locked = run_human_task(task, actor, record)
    if not accept:
        notifications.returned(locked)
    return Allocation.objects.get(pk=a.pk)


@transaction.atomic
def allocation_withdraw(*, actor, allocation: Allocation, reason: str) -> Allocation:
    """Withdraw an allocation before it is committed; open sign-offs are cancelled."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the allocation is withdrawn."})
    process = active_process(allocation, allocation_flow())
    if process is None:
        return _withdraw(actor, allocation, reason, None)
    with process_lock(allocation_flow(), process.pk):  # the process first, as in sign-off
        return _withdraw(actor, allocation, reason, process)


def _withdraw(actor, allocation, reason, process) -> Allocation:
    locks.audit_first()
    a = locks.lock_allocation(allocation.pk)
    if not policy.can_withdraw(actor, a):
        if not a.is_open:
            raise ValidationError(
                f"This allocation is {a.get_status_display().lower()}: it can no longer be "
                "withdrawn."
            )
        raise PermissionDenied("You cannot withdraw this allocation.")
    before = a.status
    cancelled = cancel_open(a, reason=f"Allocation withdrawn: {reason}")
    if process is not None:
        allocation_flow().instance.cancel(process)
    a.status = AllocationStatus.WITHDRAWN
    a.withdraw_reason = reason
    a.save()
    _audit(
        actor,
        "allocation.withdrawn",
        a,
        {"status": {"before": before, "after": a.status}, "signoffs_cancelled": cancelled},
        reason,
    )
    return a


def refusals(subject, rnd: int) -> str:
    """Who did not sign off a round, and why."""
    return "; ".join(
        f"{s.organisation.name} {s.get_status_display().lower()}"
        + (f": {s.comment}" if s.comment else "")
        for s in signoff_selectors.signoffs_for(subject, rnd)
        if s.status in (SignOffStatus.REJECTED, SignOffStatus.ABSTAINED)
    )


def allocation_signoff_concluded(activation) -> None:
    """Flow step once the round is settled: a refusal stops the allocation; approval
    leads to the commit step."""
    a = locks.lock_allocation(activation.process.artifact_object_id)
    data = activation.process.data
    rnd = data["round"]
    result = outcome(data["rule"], signoff_selectors.statuses_of_round(a, rnd))
    if result == Outcome.PENDING:  # defensive: the join continues only once settled
        raise RuntimeError(f"Sign-off round {rnd} of {a.reference} is not settled")
    approved = result == Outcome.APPROVED and a.status == AllocationStatus.IN_SIGNOFF
    activation.process.data = {**data, "approved": approved}
    activation.process.save()
    if approved or a.status != AllocationStatus.IN_SIGNOFF:
        return
    why = refusals(a, rnd)
    a.status = AllocationStatus.REJECTED
    a.save()
    _audit(
        None,
        "allocation.rejected_at_signoff",
        a,
        {"status": {"before": AllocationStatus.IN_SIGNOFF, "after": a.status}, "round": rnd},
        f"Not signed off by every contributing partner. {why}".strip(),
    )
    notifications.concluded(a, "not signed off", why)
