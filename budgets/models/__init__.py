"""Pooled budgets: funds, scheme lines, contributions, allocations and the ledger."""

from budgets.models.allocations import (
    IN_FLIGHT_STATUSES,
    OPEN_STATUSES,
    Allocation,
    AllocationStatus,
)
from budgets.models.funds import (
    ChangeStatus,
    Contribution,
    ContributionChange,
    FundStatus,
    PooledFund,
    RiskShareBasis,
    SchemeLine,
)
from budgets.models.ledger import (
    ALLOCATION_KINDS,
    PARTNER_KINDS,
    AppendOnlyError,
    EntryKind,
    LedgerEntry,
)

__all__ = [
    "ALLOCATION_KINDS",
    "IN_FLIGHT_STATUSES",
    "OPEN_STATUSES",
    "PARTNER_KINDS",
    "Allocation",
    "AllocationStatus",
    "AppendOnlyError",
    "ChangeStatus",
    "Contribution",
    "ContributionChange",
    "EntryKind",
    "FundStatus",
    "LedgerEntry",
    "PooledFund",
    "RiskShareBasis",
    "SchemeLine",
]
