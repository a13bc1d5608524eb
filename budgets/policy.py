"""Who may do what with pooled funds. The one place for these rules.

- Creating a fund: the ICB secretariat, or the secretariat of the host organisation.
- Managing a fund (details, scheme lines, contributions and risk shares while it is a
  draft, activation, closing, forecasts): the ICB secretariat, the host's
  secretariat, or the pool manager.
- Recording spend and releasing commitments: the pool manager or the host's
  secretariat (the host keeps the accounts).
- Raising an allocation: the pool manager, or a member (not an auditor) of the host
  or of a contributing partner, for that organisation.
- Reviewing an allocation: the fund's pool manager only.
- Signing off: each contributing partner's authorised signatories (shared machinery).
- Asking for a change to a contribution: whoever manages the fund, or the partner's
  secretariat or signatories.
- Who decides a signed-off allocation from a fund hosted at place: the committee the
  SoRD names for the fund's decision type and the amount (the place partnership within
  its delegation, the ICB board above it), at a meeting; otherwise nobody further (it
  is committed once signed off). Hosting a fund at place: the ICB secretariat.
"""

from __future__ import annotations

from django.db.models import Prefetch

from budgets.models import Allocation, AllocationStatus, Contribution, FundStatus, PooledFund
from governance import permissions
from governance.organisations.models import Organisation, Role

RAISER_ROLES = (Role.SECRETARIAT, Role.SIGNATORY, Role.MEMBER)


# What ``party_organisations`` reads, for ``prefetch_related_objects`` over a list of
# records that reach the fund by ``path`` (e.g. "fund" for allocations).
def parties_prefetch(path: str) -> tuple:
    return (
        f"{path}__host_organisation",
        Prefetch(
            f"{path}__contributions",
            queryset=Contribution.objects.select_related("organisation"),
        ),
    )


def party_organisations(fund: PooledFund) -> list[Organisation]:
    """The host and every contributing partner (from the contributions a list prefetched
    with ``parties_prefetch``, else one query)."""
    orgs = {fund.host_organisation_id: fund.host_organisation}
    contributions = getattr(fund, "_prefetched_objects_cache", {}).get("contributions")
    if contributions is None:
        contributions = fund.contributions.select_related("organisation")
    for c in contributions:
        orgs.setdefault(c.organisation_id, c.organisation)
    return sorted(orgs.values(), key=lambda o: o.name)


def allocation_parties(allocation: Allocation) -> list[Organisation]:
    """Parties for conflicts of interest: the fund's parties and the recipient."""
    orgs = {o.pk: o for o in party_organisations(allocation.fund)}
    orgs.setdefault(allocation.recipient_id, allocation.recipient)
    return list(orgs.values())


def change_parties(change) -> list[Organisation]:
    return party_organisations(change.contribution.fund)


def can_create_fund(user, host: Organisation | None = None) -> bool:
    if permissions.is_system_secretariat(user):
        return True
    if host is None:
        return bool(permissions.organisation_ids(user, roles=[Role.SECRETARIAT]))
    return permissions.has_role(user, Role.SECRETARIAT, host)


def can_manage(user, fund: PooledFund) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        user.pk == fund.pool_manager_id
        or permissions.is_system_secretariat(user)
        or permissions.has_role(user, Role.SECRETARIAT, fund.host_organisation)
    )


def can_record_money(user, fund: PooledFund) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.pk == fund.pool_manager_id or permissions.has_role(
        user, Role.SECRETARIAT, fund.host_organisation
    )


def raising_organisations(user, fund: PooledFund) -> list[Organisation]:
    """The fund's parties the user may raise an allocation for."""
    mine = permissions.organisation_ids(user, roles=RAISER_ROLES)
    return [o for o in party_organisations(fund) if o.pk in mine]


def can_raise(user, fund: PooledFund) -> bool:
    if fund.status != FundStatus.ACTIVE:
        return False
    return bool(raising_organisations(user, fund))


def can_review(user, allocation: Allocation) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.pk == allocation.fund.pool_manager_id
    )


def can_edit_allocation(user, allocation: Allocation) -> bool:
    """The requester (or their organisation's secretariat) while it is returned."""
    if allocation.status != AllocationStatus.RETURNED:
        return False
    return _is_requester(user, allocation)


can_resubmit = can_edit_allocation


def _is_requester(user, allocation: Allocation) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if (
        allocation.requesting_organisation_id
        not in permissions.organisation_ids(user, roles=RAISER_ROLES)
        and user.pk != allocation.fund.pool_manager_id
    ):
        return False
    return user.pk == allocation.requested_by_id or permissions.has_role(
        user, Role.SECRETARIAT, allocation.requesting_organisation
    )


def can_withdraw(user, allocation: Allocation) -> bool:
    if not allocation.is_open:
        return False
    return _is_requester(user, allocation) or user.pk == allocation.fund.pool_manager_id


def can_request_change(user, contribution: Contribution) -> bool:
    return can_manage(user, contribution.fund) or bool(
        permissions.organisation_ids(user, roles=[Role.SECRETARIAT, Role.SIGNATORY])
        & {contribution.organisation_id}
    )


def can_withdraw_change(user, change) -> bool:
    return user.pk == change.requested_by_id or can_manage(user, change.contribution.fund)


def deciding_committee(allocation: Allocation):
    """The committee that must decide ``allocation`` at a meeting after sign-off, or None
    (a fund not hosted at place, or a band delegated to an officer)."""
    fund = allocation.fund
    if fund.host_committee_id is None:
        return None
    from governance import subjects

    return subjects.delegated_committee(fund.decision_type_code, allocation.amount)


def can_host_at_place(user) -> bool:
    return permissions.is_system_secretariat(user)
