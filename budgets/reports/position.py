"""The pool manager's report: the fund's position per partner and per scheme line.

Per partner: contributed (its own ledger entries); committed, spent, uncommitted and
forecast outturn attributed in proportion to contributions (pooled money has no
owner, so each partner carries its share); variance is the partner's share of the
fund's forecast over- or underspend under the fund's risk-share rule. Every column is
split to the penny by the largest remainder method (``budgets.riskshare``), so the
partners' figures add up exactly to the fund's.

Forecast outturn of a scheme line: the pool manager's forecast if one is recorded,
otherwise its budget (the line is expected to spend to plan). Variance = forecast
outturn less
budget (lines) or less contributions (fund): positive is an overspend, negative an
underspend. Overspends on some lines are met first from underspends on others, so only
the fund's net variance is shared between the partners.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from budgets import balances, riskshare
from budgets.models import Allocation, AllocationStatus, PooledFund, RiskShareBasis

ZERO = Decimal("0.00")
QUARTERS = {
    1: "Quarter 1 (April to June)",
    2: "Quarter 2 (July to September)",
    3: "Quarter 3 (October to December)",
    4: "Quarter 4 (January to March)",
}


def quarter_of(day: datetime.date) -> int:
    return ((day.month - 4) % 12) // 3 + 1


@dataclass
class PartnerRow:
    organisation: object
    contributed: Decimal
    committed: Decimal
    spent: Decimal
    uncommitted: Decimal
    forecast_outturn: Decimal
    variance: Decimal
    share_percent: Decimal


@dataclass
class LineRow:
    line: object
    budget: Decimal
    committed: Decimal
    spent: Decimal
    available: Decimal
    forecast_outturn: Decimal
    forecast_recorded: bool
    variance: Decimal


@dataclass
class FundReport:
    fund: PooledFund
    as_at: datetime.datetime
    position: balances.Position
    partners: list[PartnerRow]
    lines: list[LineRow]
    forecast_outturn: Decimal
    variance: Decimal
    basis_text: str
    rounding_rule: str = riskshare.ROUNDING_RULE
    allocations: list = field(default_factory=list)

    @property
    def quarter(self) -> str:
        day = timezone.localtime(self.as_at).date()
        return f"{QUARTERS[quarter_of(day)]} {self.fund.year_label}"

    @property
    def outcome(self) -> str:
        if self.variance > 0:
            return "overspend"
        if self.variance < 0:
            return "underspend"
        return "break-even"

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            "contributed": self.position.contributed,
            "committed": self.position.committed,
            "spent": self.position.spent,
            "uncommitted": self.position.uncommitted,
            "forecast_outturn": self.forecast_outturn,
            "variance": self.variance,
            "budget": sum((r.budget for r in self.lines), ZERO),
            "line_available": sum((r.available for r in self.lines), ZERO),
            "line_variance": sum((r.variance for r in self.lines), ZERO),
        }


def _weights(fund: PooledFund, partners, contributed) -> list[tuple[int, Decimal]]:
    if fund.risk_share_basis == RiskShareBasis.FIXED and all(
        c.fixed_share is not None for c in partners
    ):
        return [(c.organisation_id, c.fixed_share) for c in partners]
    return [(c.organisation_id, contributed.get(c.organisation_id, ZERO)) for c in partners]


def basis_text(fund: PooledFund, partners) -> str:
    if fund.risk_share_basis == RiskShareBasis.FIXED:
        shares = ", ".join(f"{c.organisation.name} {c.fixed_share}%" for c in partners)
        return f"Fixed percentage shares agreed in the Section 75 agreement: {shares}."
    return "In proportion to each partner's contribution."


def fund_report(fund: PooledFund, *, as_at: datetime.datetime | None = None) -> FundReport:
    """The fund's position now, or at the end of ``as_at`` (entries recorded before it;
    forecasts are as last recorded)."""
    now = timezone.now()
    until = as_at if as_at is not None and as_at < now else None
    as_at = until or now
    position = balances.fund_position(fund, until=until)
    line_positions = balances.line_positions(fund, until=until)
    contributed = balances.partner_contributions(fund, until=until)
    partners = list(
        fund.contributions.select_related("organisation").order_by("organisation__name")
    )

    lines = []
    for line in fund.lines.all():
        lp = line_positions.get(line.pk, balances.Position())
        forecast = line.forecast_outturn if line.forecast_outturn is not None else line.budget
        lines.append(
            LineRow(
                line=line,
                budget=line.budget,
                committed=lp.committed,
                spent=lp.spent,
                available=line.budget - lp.committed,
                forecast_outturn=forecast,
                forecast_recorded=line.forecast_outturn is not None,
                variance=forecast - line.budget,
            )
        )
    forecast_total = sum((r.forecast_outturn for r in lines), ZERO)
    variance = forecast_total - position.contributed

    by_contribution = [
        (c.organisation_id, contributed.get(c.organisation_id, ZERO)) for c in partners
    ]
    risk = _weights(fund, partners, contributed)
    columns = {
        "committed": riskshare.split(position.committed, by_contribution),
        "spent": riskshare.split(position.spent, by_contribution),
        "uncommitted": riskshare.split(position.uncommitted, by_contribution),
        "forecast_outturn": riskshare.split(forecast_total, by_contribution),
        "variance": riskshare.split(variance, risk),
        "share_percent": riskshare.percentages(risk),
    }
    rows = [
        PartnerRow(
            organisation=c.organisation,
            contributed=contributed.get(c.organisation_id, ZERO),
            **{name: values.get(c.organisation_id, ZERO) for name, values in columns.items()},
        )
        for c in partners
    ]
    allocations = list(
        Allocation.objects.filter(fund=fund)
        .exclude(status=AllocationStatus.WITHDRAWN)
        .select_related("scheme_line", "recipient")
        .order_by("reference")
    )
    alloc_positions = balances.allocation_positions([a.pk for a in allocations])
    for a in allocations:
        a.position = alloc_positions.get(a.pk, balances.Position())
    return FundReport(
        fund=fund,
        as_at=as_at,
        position=position,
        partners=rows,
        lines=lines,
        forecast_outturn=forecast_total,
        variance=variance,
        basis_text=basis_text(fund, partners),
        allocations=allocations,
    )
