"""Setting up and running pooled funds: the fund itself, scheme lines, contributions
while the fund is a draft, risk shares, activation and closing. Every function is a
keyword-only service that validates, writes and audits in one transaction."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from budgets import balances, locks, money, policy
from budgets.models import (
    IN_FLIGHT_STATUSES,
    Allocation,
    AllocationStatus,
    ChangeStatus,
    Contribution,
    ContributionChange,
    EntryKind,
    FundStatus,
    LedgerEntry,
    PooledFund,
    RiskShareBasis,
    SchemeLine,
)
from budgets.services._common import Errors, audit, text
from governance import permissions
from governance.audit.services import diff, snapshot
from governance.organisations.models import Organisation, Role
from governance.references.services import reference_next

FUND_FIELDS = (
    "name",
    "agreement_reference",
    "description",
    "host_organisation",
    "pool_manager",
    "financial_year",
    "risk_share_basis",
)
# What may still change once the fund is active (the rest is in the agreement).
ACTIVE_FIELDS = ("name", "agreement_reference", "description", "pool_manager")
LINE_FIELDS = ("code", "name", "description", "budget", "forecast_outturn", "forecast_note")


def _fund_audit(actor, verb, fund, changes=None, reason=""):
    return audit(
        actor, verb, fund, organisation=fund.host_organisation, changes=changes, reason=reason
    )


def _validate_fund(fund: PooledFund, errors: Errors) -> None:
    fund.name = text(fund.name, "name", errors, required="Give the fund a name.", max_length=200)
    fund.agreement_reference = text(
        fund.agreement_reference,
        "agreement_reference",
        errors,
        required="Give the reference of the Section 75 agreement.",
        max_length=60,
    )
    fund.description = text(fund.description, "description", errors)
    if fund.host_organisation_id is None:
        errors.add("host_organisation", "Choose the host organisation (it keeps the accounts).")
    elif not fund.host_organisation.is_active:
        errors.add("host_organisation", "The host organisation is not active.")
    if fund.pool_manager_id is None:
        errors.add("pool_manager", "Choose the pool manager.")
    elif not fund.pool_manager.is_active or not permissions.organisation_ids(
        fund.pool_manager, roles=policy.RAISER_ROLES
    ):
        errors.add("pool_manager", "The pool manager must be an active officer of a partner.")
    try:
        year = int(fund.financial_year)
    except (TypeError, ValueError):
        errors.add("financial_year", "Give the year the financial year starts, e.g. 2026.")
    else:
        if not 2000 <= year <= 2100:
            errors.add("financial_year", "Give the year the financial year starts, e.g. 2026.")
        fund.financial_year = year
    if fund.risk_share_basis not in RiskShareBasis.values:
        errors.add("risk_share_basis", "Choose proportional or fixed shares.")
    if (
        fund.name
        and isinstance(fund.financial_year, int)
        and PooledFund.objects.filter(name=fund.name, financial_year=fund.financial_year)
        .exclude(pk=fund.pk)
        .exists()
    ):
        errors.add("name", "A fund of this name already exists for that financial year.")


@transaction.atomic
def fund_create(
    *,
    actor,
    name: str,
    agreement_reference: str,
    host_organisation: Organisation,
    pool_manager,
    financial_year: int,
    risk_share_basis: str = RiskShareBasis.PROPORTIONAL,
    description: str = "",
) -> PooledFund:
    """A new fund, as a draft: add scheme lines and contributions, then activate it."""
    if not policy.can_create_fund(actor, host_organisation):
        raise PermissionDenied(
            "Only the ICB secretariat or the host organisation's secretariat sets up funds."
        )
    locks.audit_first()
    fund = PooledFund(
        name=name,
        agreement_reference=agreement_reference,
        description=description,
        host_organisation=host_organisation,
        pool_manager=pool_manager,
        financial_year=financial_year,
        risk_share_basis=risk_share_basis,
        created_by=actor,
    )
    errors = Errors()
    _validate_fund(fund, errors)
    errors.raise_if_any()
    fund.reference = reference_next("FUND")
    fund.save()
    _fund_audit(actor, "fund.created", fund, diff(None, snapshot(fund, (*FUND_FIELDS, "status"))))
    return fund


@transaction.atomic
def fund_update(*, actor, fund: PooledFund, reason: str = "", **fields) -> PooledFund:
    """Change a fund's details. Once it is active only its name, agreement reference,
    description and pool manager may change; a closed fund does not change."""
    unknown = set(fields) - set(FUND_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund.")
    if fund.status == FundStatus.CLOSED:
        raise ValidationError("This fund is closed: it can no longer be changed.")
    if fund.status == FundStatus.ACTIVE:
        fixed = sorted(set(fields) - set(ACTIVE_FIELDS))
        changing = [f for f in fixed if fields[f] != getattr(fund, f)]
        if changing:
            raise ValidationError(
                {
                    f: "Set by the agreement: it cannot change once the fund is active."
                    for f in changing
                }
            )
    before = snapshot(fund, FUND_FIELDS)
    for key, value in fields.items():
        setattr(fund, key, value)
    errors = Errors()
    _validate_fund(fund, errors)
    errors.raise_if_any()
    changes = diff(before, snapshot(fund, FUND_FIELDS))
    if changes:
        fund.save()
        _fund_audit(actor, "fund.updated", fund, changes, reason)
    return fund


def _line_errors(line: SchemeLine, errors: Errors, fields: dict) -> None:
    if "code" in fields:
        line.code = text(
            fields["code"], "code", errors, required="Give a short code, e.g. S1.", max_length=12
        )
    if "name" in fields:
        line.name = text(
            fields["name"], "name", errors, required="Name the scheme.", max_length=200
        )
    if "description" in fields:
        line.description = text(fields["description"], "description", errors)
    if "budget" in fields:
        budget = errors.check(money.money, fields["budget"], "budget")
        if budget is not None:
            line.budget = budget
    others = SchemeLine.objects.filter(fund_id=line.fund_id).exclude(pk=line.pk)
    if line.code and others.filter(code=line.code).exists():
        errors.add("code", "Another scheme line of this fund has that code.")
    if line.name and others.filter(name=line.name).exists():
        errors.add("name", "Another scheme line of this fund has that name.")


@transaction.atomic
def scheme_line_add(
    *, actor, fund: PooledFund, code: str, name: str, budget, description: str = ""
) -> SchemeLine:
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund.")
    if fund.status == FundStatus.CLOSED:
        raise ValidationError("This fund is closed: it can no longer be changed.")
    line = SchemeLine(fund=fund, budget=Decimal("0.00"))
    errors = Errors()
    _line_errors(
        line, errors, {"code": code, "name": name, "budget": budget, "description": description}
    )
    errors.raise_if_any()
    line.save()
    _fund_audit(
        actor,
        "fund.scheme_line_added",
        fund,
        {"scheme_line": line.pk, **diff(None, snapshot(line, ("code", "name", "budget")))},
    )
    return line


@transaction.atomic
def scheme_line_update(*, actor, line: SchemeLine, reason: str = "", **fields) -> SchemeLine:
    """Rename a scheme line or change its budget; the budget cannot go below what is
    already committed from the line."""
    unknown = set(fields) - {"code", "name", "description", "budget"}
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    locks.audit_first()
    fund = locks.lock_fund(line.fund_id)
    line = locks.lock_line(line.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund.")
    if fund.status == FundStatus.CLOSED:
        raise ValidationError("This fund is closed: it can no longer be changed.")
    before = snapshot(line, ("code", "name", "description", "budget"))
    errors = Errors()
    _line_errors(line, errors, fields)
    if "budget" in fields and not errors.errors:
        committed = balances.line_position(line.pk).committed
        if line.budget < committed:
            errors.add(
                "budget",
                f"{money.gbp(committed)} is already committed from this line: the budget "
                "cannot be less than that.",
            )
    errors.raise_if_any()
    changes = diff(before, snapshot(line, ("code", "name", "description", "budget")))
    if changes:
        line.save()
        _fund_audit(
            actor, "fund.scheme_line_updated", fund, {"scheme_line": line.pk, **changes}, reason
        )
    return line


@transaction.atomic
def scheme_line_set_forecast(
    *, actor, line: SchemeLine, forecast_outturn, note: str = ""
) -> SchemeLine:
    """The pool manager's forecast of the line's spend for the year (empty clears it:
    the line is then expected to spend to its budget)."""
    locks.audit_first()
    fund = locks.lock_fund(line.fund_id)
    line = locks.lock_line(line.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund's forecasts.")
    if fund.status != FundStatus.ACTIVE:
        raise ValidationError("Forecasts are recorded for active funds only.")
    errors = Errors()
    value = None
    if forecast_outturn not in (None, ""):
        value = errors.check(money.money, forecast_outturn, "forecast_outturn")
    note = text(note, "forecast_note", errors)
    errors.raise_if_any()
    before = snapshot(line, ("forecast_outturn", "forecast_note"))
    line.forecast_outturn = value
    line.forecast_note = note
    line.forecast_updated_at = timezone.now()
    line.save()
    _fund_audit(
        actor,
        "fund.forecast_recorded",
        fund,
        {
            "scheme_line": line.pk,
            **diff(before, snapshot(line, ("forecast_outturn", "forecast_note"))),
        },
    )
    return line


def write_entry(*, fund, kind, amount, actor, **fields) -> LedgerEntry:
    """Append one ledger entry (the only place entries are created)."""
    entry = LedgerEntry(fund=fund, kind=kind, amount=amount, actor=actor, **fields)
    entry.save(force_insert=True)
    return entry


def contribution_entry(
    *, fund, organisation, current: Decimal, new: Decimal, actor, memo, reference, change=None
) -> LedgerEntry | None:
    """The ledger entry that moves a partner's contribution from ``current`` to ``new``:
    a contribution for an increase, a (negative) adjustment for a decrease."""
    delta = new - current
    if delta == 0:
        return None
    return write_entry(
        fund=fund,
        kind=EntryKind.CONTRIBUTION if delta > 0 else EntryKind.ADJUSTMENT,
        amount=delta,
        actor=actor,
        organisation=organisation,
        contribution_change=change,
        reference=reference,
        memo=memo,
    )


@transaction.atomic
def contribution_set(
    *, actor, fund: PooledFund, organisation: Organisation, amount, reason: str = ""
) -> Contribution:
    """Add a partner to a draft fund or change what it contributes. Once the fund is
    active a change needs the partner's and the host's sign-off
    (``contribution_change_request``)."""
    errors = Errors()
    new = errors.check(money.money, amount, "amount")
    if organisation is None:
        errors.add("organisation", "Choose the contributing partner.")
    elif not organisation.is_active:
        errors.add("organisation", f"{organisation.name} is not active.")
    errors.raise_if_any()
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund.")
    if fund.status != FundStatus.DRAFT:
        raise ValidationError(
            {
                "amount": "Contributions of an active fund change only with the partner's "
                "and the host's sign-off: ask for a change instead."
            }
        )
    contribution, created = Contribution.objects.get_or_create(fund=fund, organisation=organisation)
    current = balances.partner_contributions(fund).get(organisation.pk, Decimal("0.00"))
    entry = contribution_entry(
        fund=fund,
        organisation=organisation,
        current=current,
        new=new,
        actor=actor,
        memo=reason or "Contribution set while the fund is a draft.",
        reference=fund.agreement_reference,
    )
    if created or entry is not None:
        _fund_audit(
            actor,
            "fund.contribution_set",
            fund,
            {
                "organisation": organisation.pk,
                "partner_added": created,
                "amount": {"before": str(current), "after": str(new)},
                "ledger_entry": entry.pk if entry else None,
            },
            reason,
        )
    return contribution


@transaction.atomic
def fund_set_risk_share(
    *, actor, fund: PooledFund, basis: str, shares: dict | None = None, reason: str = ""
) -> PooledFund:
    """Choose how over- and underspends are shared: in proportion to contributions, or
    fixed percentage shares (one for every partner, adding up to exactly 100)."""
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund.")
    if fund.status != FundStatus.DRAFT:
        raise ValidationError(
            {
                "risk_share_basis": "The risk-share rule is set by the agreement: it cannot "
                "change once the fund is active."
            }
        )
    if basis not in RiskShareBasis.values:
        raise ValidationError({"risk_share_basis": "Choose proportional or fixed shares."})
    partners = list(fund.contributions.select_related("organisation"))
    parsed: dict[int, Decimal] = {}
    if basis == RiskShareBasis.FIXED:
        errors = Errors()
        given = {int(getattr(k, "pk", k)): v for k, v in (shares or {}).items()}
        known = {c.organisation_id for c in partners}
        for org_id in sorted(set(given) - known):
            errors.add("shares", f"Organisation {org_id} is not a partner of this fund.")
        for c in partners:
            field = f"share_{c.organisation_id}"
            if given.get(c.organisation_id) in (None, ""):
                errors.add(field, f"Give {c.organisation.name}'s share.")
                continue
            value = errors.check(money.percent, given[c.organisation_id], field)
            if value is not None:
                parsed[c.organisation_id] = value
        if not partners:
            errors.add("shares", "Add the contributing partners first.")
        if not errors.errors and sum(parsed.values()) != 100:
            errors.add(
                "shares",
                f"Fixed shares must add up to exactly 100% (these add up to "
                f"{sum(parsed.values()):.2f}%).",
            )
        errors.raise_if_any()
    before = {
        "risk_share_basis": fund.risk_share_basis,
        "shares": {str(c.organisation_id): str(c.fixed_share) for c in partners},
    }
    fund.risk_share_basis = basis
    fund.save()
    for c in partners:
        c.fixed_share = parsed.get(c.organisation_id)
        c.save(update_fields=["fixed_share"])
    after = {
        "risk_share_basis": basis,
        "shares": {str(k): str(v) for k, v in parsed.items()},
    }
    _fund_audit(actor, "fund.risk_share_set", fund, diff(before, after), reason)
    return fund


def _activation_errors(fund: PooledFund) -> Errors:
    errors = Errors()
    partners = list(fund.contributions.select_related("organisation"))
    contributed = balances.partner_contributions(fund)
    if not fund.lines.exists():
        errors.add("__all__", "Add at least one scheme line (the services the pool pays for).")
    if not any(contributed.get(c.organisation_id, 0) > 0 for c in partners):
        errors.add("__all__", "At least one partner must contribute more than £0.00.")
    party_ids = {c.organisation_id for c in partners} | {fund.host_organisation_id}
    if not party_ids & permissions.organisation_ids(fund.pool_manager, roles=policy.RAISER_ROLES):
        errors.add(
            "pool_manager",
            "The pool manager must be an officer of the host or of a contributing partner.",
        )
    if fund.risk_share_basis == RiskShareBasis.FIXED:
        missing = [c.organisation.name for c in partners if c.fixed_share is None]
        if missing:
            errors.add(
                "shares", f"Give every partner a fixed share (missing: {', '.join(missing)})."
            )
        elif sum(c.fixed_share for c in partners) != 100:
            total = sum(c.fixed_share for c in partners)
            errors.add(
                "shares", f"Fixed shares must add up to exactly 100% (they add up to {total:.2f}%)."
            )
    return errors


@transaction.atomic
def fund_activate(*, actor, fund: PooledFund) -> PooledFund:
    """Put a draft fund into use: allocations may then be raised against it."""
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot change this fund.")
    if fund.status != FundStatus.DRAFT:
        raise ValidationError(
            f"Only a draft fund can be activated; this one is {fund.get_status_display().lower()}."
        )
    _activation_errors(fund).raise_if_any()
    fund.status = FundStatus.ACTIVE
    fund.activated_at = timezone.now()
    fund.save()
    position = balances.fund_position(fund)
    _fund_audit(
        actor,
        "fund.activated",
        fund,
        {
            "status": {"before": FundStatus.DRAFT, "after": FundStatus.ACTIVE},
            "contributed": str(position.contributed),
        },
    )
    return fund


@transaction.atomic
def fund_close(*, actor, fund: PooledFund, reason: str) -> PooledFund:
    """Close an active fund: no more allocations. Allocations still being reviewed or
    signed off, and contribution changes still being signed off, must be concluded or
    withdrawn first; returned allocations are withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the fund is closed."})
    locks.audit_first()
    fund = locks.lock_fund(fund.pk)
    if not policy.can_manage(actor, fund):
        raise PermissionDenied("You cannot close this fund.")
    if fund.status != FundStatus.ACTIVE:
        raise ValidationError(
            f"Only an active fund can be closed; this one is {fund.get_status_display().lower()}."
        )
    in_flight = list(
        Allocation.objects.filter(fund=fund, status__in=IN_FLIGHT_STATUSES).values_list(
            "reference", flat=True
        )
    )
    changes = list(
        ContributionChange.objects.filter(
            contribution__fund=fund, status=ChangeStatus.IN_SIGNOFF
        ).values_list("reference", flat=True)
    )
    if in_flight or changes:
        raise ValidationError(
            "Conclude or withdraw these first: " + ", ".join(sorted(in_flight + changes)) + "."
        )
    withdrawn = []
    for a in Allocation.objects.select_for_update().filter(
        fund=fund, status=AllocationStatus.RETURNED
    ):
        a.status = AllocationStatus.WITHDRAWN
        a.withdraw_reason = f"The fund was closed: {reason}"
        a.save()
        withdrawn.append(a.reference)
        audit(
            None,
            "allocation.withdrawn",
            a,
            organisation=a.requesting_organisation,
            changes={"status": {"before": AllocationStatus.RETURNED, "after": a.status}},
            reason=a.withdraw_reason,
        )
    fund.status = FundStatus.CLOSED
    fund.closed_at = timezone.now()
    fund.close_reason = reason
    fund.save()
    _fund_audit(
        actor,
        "fund.closed",
        fund,
        {
            "status": {"before": FundStatus.ACTIVE, "after": FundStatus.CLOSED},
            "allocations_withdrawn": withdrawn,
        },
        reason,
    )
    return fund


def pool_manager_candidates():
    """Active people acting for some organisation (not only as auditors)."""
    from governance.organisations.models import Membership

    active = Membership.objects.active().filter(
        role__in=[Role.SECRETARIAT, Role.SIGNATORY, Role.MEMBER]
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__in=active)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
