"""Changing a partner's contribution once the fund is active: the change is signed off
by the contributing partner and the host (``budgets.flows.ContributionChangeFlow``,
the shared sign-off machinery, rule "every one must approve") and only then applied
to the ledger, if it still leaves the fund able to meet its commitments."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import balances, locks, money, notifications, policy
from budgets.models import ChangeStatus, Contribution, ContributionChange, FundStatus
from budgets.services._common import Errors, audit, change_flow, text
from budgets.services.allocations import refusals
from budgets.services.funds import contribution_entry
from governance.references.services import reference_next
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import Outcome, outcome
from governance.signoffs.services import cancel_open
from governance.workflow import active_process, process_lock


def _audit(actor, verb, change: ContributionChange, changes=None, reason=""):
    fund = change.contribution.fund
    return audit(
        actor,
        verb,
        change,
        organisation=change.contribution.organisation,
        changes=changes,
        reason=reason,
        label=f"{change.reference} {change.contribution.organisation.name} "
        f"contribution to {fund.reference}",
    )


def signing_organisations(contribution: Contribution) -> list:
    """The contributing partner and the host (once, if the host is the partner)."""
    orgs = [contribution.organisation]
    if contribution.fund.host_organisation_id != contribution.organisation_id:
        orgs.append(contribution.fund.host_organisation)
    return orgs


def _shortfall(fund, current: Decimal, new: Decimal) -> str | None:
    position = balances.fund_position(fund.pk)
    after = position.contributed - current + new
    if after < position.committed:
        return (
            f"After the change the fund would hold {money.gbp(after)}, less than the "
            f"{money.gbp(position.committed)} already committed."
        )
    return None


@transaction.atomic
def contribution_change_request(
    *, actor, contribution: Contribution, new_amount, reason: str
) -> ContributionChange:
    """Ask to change what a partner contributes to an active fund."""
    errors = Errors()
    new = errors.check(money.money, new_amount, "new_amount")
    reason = text(reason, "reason", errors, required="Say why the contribution changes.")
    errors.raise_if_any()
    locks.audit_first()
    fund = locks.lock_fund(contribution.fund_id)
    contribution = Contribution.objects.select_related("organisation", "fund").get(
        pk=contribution.pk
    )
    if not policy.can_request_change(actor, contribution):
        raise PermissionDenied("You cannot ask for a change to this contribution.")
    if fund.status != FundStatus.ACTIVE:
        raise ValidationError(
            {
                "new_amount": "Only an active fund's contributions change this way; a draft's "
                "are set directly and a closed fund's no longer change."
            }
        )
    if ContributionChange.objects.filter(
        contribution=contribution, status=ChangeStatus.IN_SIGNOFF
    ).exists():
        raise ValidationError(
            {"new_amount": "A change to this contribution is already being signed off."}
        )
    current = balances.partner_contributions(fund).get(contribution.organisation_id, Decimal(0))
    current = current.quantize(money.PENNY)
    if new == current:
        raise ValidationError({"new_amount": f"The contribution is already {money.gbp(new)}."})
    problem = _shortfall(fund, current, new)
    if problem:
        raise ValidationError({"new_amount": problem})
    change = ContributionChange.objects.create(
        reference=reference_next("CCHG"),
        contribution=contribution,
        amount_before=current,
        new_amount=new,
        reason=reason,
        requested_by=actor,
        signoff_round=1,
    )
    orgs = signing_organisations(contribution)
    _audit(
        actor,
        "contribution_change.requested",
        change,
        {
            "amount": {"before": str(current), "after": str(new)},
            "signing_organisations": [o.pk for o in orgs],
        },
        reason,
    )
    change_flow().start.run(
        change=change,
        data={
            "change": change.pk,
            "round": change.signoff_round,
            "rule": SignOffRule.ALL,
            "organisations": [o.pk for o in orgs],
        },
    )
    return change


def contribution_change_concluded(activation) -> None:
    """Flow step once the partner and the host have both signed off (or one refused):
    apply the change to the ledger if the fund can still meet its commitments."""
    locks.audit_first()
    change = ContributionChange.objects.select_related(
        "contribution__organisation", "contribution__fund"
    ).get(pk=activation.process.artifact_object_id)
    fund = locks.lock_fund(change.contribution.fund_id)
    change = (
        ContributionChange.objects.select_for_update()
        .select_related(
            "contribution__organisation",
            "contribution__fund__host_organisation",
            "contribution__fund__pool_manager",
        )
        .get(pk=change.pk)
    )
    data = activation.process.data
    result = outcome(data["rule"], signoff_selectors.statuses_of_round(change, data["round"]))
    if result == Outcome.PENDING:
        raise RuntimeError(f"Sign-off of {change.reference} is not settled")
    if change.status != ChangeStatus.IN_SIGNOFF:
        return
    change.concluded_at = timezone.now()
    if result == Outcome.REJECTED:
        why = refusals(change, data["round"])
        change.status = ChangeStatus.REJECTED
        change.save()
        _audit(
            None,
            "contribution_change.rejected",
            change,
            {"status": {"before": ChangeStatus.IN_SIGNOFF, "after": change.status}},
            why,
        )
        notifications.change_concluded(change, "not agreed", why)
        return
    org = change.contribution.organisation
    current = balances.partner_contributions(fund).get(org.pk, Decimal(0))
    problem = (
        None
        if fund.status == FundStatus.ACTIVE
        else (f"The fund is {fund.get_status_display().lower()}.")
    )
    problem = problem or _shortfall(fund, current, change.new_amount)
    if problem:
        change.status = ChangeStatus.FAILED
        change.failure_reason = f"{problem} Nothing was changed."
        change.save()
        _audit(
            None,
            "contribution_change.failed",
            change,
            {"status": {"before": ChangeStatus.IN_SIGNOFF, "after": change.status}},
            change.failure_reason,
        )
        notifications.change_concluded(change, "not applied", change.failure_reason)
        return
    entry = contribution_entry(
        fund=fund,
        organisation=org,
        current=current,
        new=change.new_amount,
        actor=None,
        memo=f"Agreed by the partner and the host: {change.reason}",
        reference=change.reference,
        change=change,
    )
    change.status = ChangeStatus.APPLIED
    change.save()
    _audit(
        None,
        "contribution_change.applied",
        change,
        {
            "status": {"before": ChangeStatus.IN_SIGNOFF, "after": change.status},
            "amount": {"before": str(current), "after": str(change.new_amount)},
            "ledger_entry": entry.pk if entry else None,
        },
    )
    notifications.change_concluded(change, "applied")


@transaction.atomic
def contribution_change_withdraw(*, actor, change: ContributionChange, reason: str):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the change is withdrawn."})
    process = active_process(change, change_flow())
    if process is None:
        return _withdraw(actor, change, reason, None)
    with process_lock(change_flow(), process.pk):
        return _withdraw(actor, change, reason, process)


def _withdraw(actor, change, reason, process):
    locks.audit_first()
    change = (
        ContributionChange.objects.select_for_update()
        .select_related("contribution__fund", "contribution__organisation")
        .get(pk=change.pk)
    )
    if not policy.can_withdraw_change(actor, change):
        raise PermissionDenied("You cannot withdraw this change.")
    if change.status != ChangeStatus.IN_SIGNOFF:
        raise ValidationError(
            f"This change is {change.get_status_display().lower()}: it cannot be withdrawn."
        )
    cancelled = cancel_open(change, reason=f"Change withdrawn: {reason}")
    if process is not None:
        change_flow().instance.cancel(process)
    change.status = ChangeStatus.WITHDRAWN
    change.concluded_at = timezone.now()
    change.save()
    _audit(
        actor,
        "contribution_change.withdrawn",
        change,
        {
            "status": {"before": ChangeStatus.IN_SIGNOFF, "after": change.status},
            "signoffs_cancelled": cancelled,
        },
        reason,
    )
    return change
