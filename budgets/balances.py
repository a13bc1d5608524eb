"""Balances derived from the ledger with aggregate queries. Nothing here is stored.

For a fund (and likewise a scheme line or an allocation):

- contributed = contributions + adjustments
- committed   = commitments − releases (what is reserved, spent or not)
- spent       = spends
- uncommitted = contributed − committed (what the fund still holds for new commitments)
- unspent     = committed − spent (commitments not yet paid out)

The services keep every one of these non-negative (``reconcile_funds`` checks it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from budgets.models import EntryKind, LedgerEntry

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Position:
    contributed: Decimal = ZERO
    commitments: Decimal = ZERO  # gross, before releases
    released: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def committed(self) -> Decimal:
        return self.commitments - self.released

    @property
    def uncommitted(self) -> Decimal:
        return self.contributed - self.committed

    @property
    def unspent(self) -> Decimal:
        return self.committed - self.spent

    def as_dict(self) -> dict[str, Decimal]:
        return {
            "contributed": self.contributed,
            "committed": self.committed,
            "released": self.released,
            "spent": self.spent,
            "uncommitted": self.uncommitted,
            "unspent": self.unspent,
        }


def _total(*kinds: str):
    return Coalesce(
        Sum("amount", filter=Q(kind__in=kinds)),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


AGGREGATES = {
    "contributed": _total(EntryKind.CONTRIBUTION, EntryKind.ADJUSTMENT),
    "commitments": _total(EntryKind.COMMITMENT),
    "released": _total(EntryKind.RELEASE),
    "spent": _total(EntryKind.SPEND),
}


def _q(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _position(row: dict) -> Position:
    return Position(**{k: _q(row[k]) for k in AGGREGATES})


def entries(fund_id: int, until: datetime.datetime | None = None):
    qs = LedgerEntry.objects.filter(fund_id=fund_id)
    if until is not None:
        qs = qs.filter(recorded_at__lt=until)
    return qs


def fund_position(fund, *, until: datetime.datetime | None = None) -> Position:
    """The fund's position from all its entries (one query)."""
    fund_id = getattr(fund, "pk", fund)
    return _position(entries(fund_id, until).aggregate(**AGGREGATES))


def _grouped(qs, field: str) -> dict[int, Position]:
    rows = qs.order_by().values(field).annotate(**AGGREGATES)
    return {row[field]: _position(row) for row in rows if row[field] is not None}


def fund_positions(fund_ids: Iterable[int]) -> dict[int, Position]:
    """Positions of many funds in one query (funds without entries are missing)."""
    return _grouped(LedgerEntry.objects.filter(fund_id__in=list(fund_ids)), "fund_id")


def funds_position(funds) -> Position:
    """The position of many funds together (a queryset of funds), in one query."""
    return _position(
        LedgerEntry.objects.filter(fund__in=funds.values("pk")).aggregate(**AGGREGATES)
    )


def line_positions(fund, *, until: datetime.datetime | None = None) -> dict[int, Position]:
    """Each scheme line's commitments, releases and spend (contributed stays zero)."""
    return _grouped(entries(getattr(fund, "pk", fund), until), "scheme_line_id")


def line_position(line_id: int) -> Position:
    return _position(LedgerEntry.objects.filter(scheme_line_id=line_id).aggregate(**AGGREGATES))


def allocation_positions(allocation_ids: Iterable[int]) -> dict[int, Position]:
    return _grouped(
        LedgerEntry.objects.filter(allocation_id__in=list(allocation_ids)), "allocation_id"
    )


def allocation_position(allocation_id: int) -> Position:
    return _position(
        LedgerEntry.objects.filter(allocation_id=allocation_id).aggregate(**AGGREGATES)
    )


def partner_contributions(fund, *, until: datetime.datetime | None = None) -> dict[int, Decimal]:
    """What each partner has contributed (contributions plus adjustments)."""
    return {
        org_id: pos.contributed
        for org_id, pos in _grouped(
            entries(getattr(fund, "pk", fund), until), "organisation_id"
        ).items()
    }
