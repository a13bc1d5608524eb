"""Read paths for pooled funds. The visibility rule lives here.

Only the parties to a fund see it, its allocations, its ledger and its reports:
members (any role) of the host organisation and of every contributing partner, and
the pool manager; the ICB secretariat and auditors see every fund. Anyone else gets
a 404 from pages and the API, as if the fund did not exist.
"""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from django.db.models import Q, QuerySet

from budgets.models import (
    Allocation,
    AllocationStatus,
    ChangeStatus,
    ContributionChange,
    LedgerEntry,
    PooledFund,
)
from governance import permissions


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def sees_all_funds(user) -> bool:
    return permissions.reads_everything(user)


def funds_visible_to(user) -> QuerySet[PooledFund]:
    qs = PooledFund.objects.select_related("host_organisation", "pool_manager")
    if not _signed_in(user):
        return qs.none()
    if sees_all_funds(user):
        return qs
    org_ids = permissions.organisation_ids(user)
    party = (
        Q(host_organisation_id__in=org_ids)
        | Q(pool_manager=user)
        | Q(
            pk__in=PooledFund.objects.filter(contributions__organisation_id__in=org_ids).values(
                "pk"
            )
        )
    )
    return qs.filter(party)


def can_view_fund(user, fund: PooledFund) -> bool:
    return funds_visible_to(user).filter(pk=fund.pk).exists()


def allocations_visible_to(user) -> QuerySet[Allocation]:
    return Allocation.objects.filter(fund__in=funds_visible_to(user).values("pk")).select_related(
        "fund",
        "fund__pool_manager",
        "scheme_line",
        "recipient",
        "requesting_organisation",
        "requested_by",
    )


def contribution_changes_visible_to(user) -> QuerySet[ContributionChange]:
    return ContributionChange.objects.filter(
        contribution__fund__in=funds_visible_to(user).values("pk")
    ).select_related("contribution__fund", "contribution__organisation", "requested_by")


def allocations_awaiting_review(user) -> QuerySet[Allocation]:
    """Submitted allocations of the funds the user manages (their review queue)."""
    if not _signed_in(user):
        return Allocation.objects.none()
    return allocations_visible_to(user).filter(
        fund__pool_manager=user, status=AllocationStatus.SUBMITTED
    )


def open_changes_of(fund: PooledFund) -> QuerySet[ContributionChange]:
    return ContributionChange.objects.filter(
        contribution__fund=fund, status=ChangeStatus.IN_SIGNOFF
    ).select_related("contribution__organisation")


def ledger_of(fund: PooledFund) -> QuerySet[LedgerEntry]:
    """The fund's entries, oldest first (callers check the fund is visible first)."""
    return LedgerEntry.objects.filter(fund=fund).select_related(
        "organisation", "allocation", "scheme_line", "actor"
    )


def totals(items, *paths: str) -> dict[str, Decimal]:
    """A table's totals row: the Decimal sum of each attribute (a dotted path, e.g.
    ``"position.committed"``, keyed ``"position_committed"``) over ``items``."""
    items = list(items)
    return {
        path.replace(".", "_"): sum((attrgetter(path)(i) for i in items), Decimal("0.00"))
        for path in paths
    }
