"""The system position, derived from the envelope's lines and the partners' latest
returns: plan vs actual vs forecast per partner and in total, variance in pounds and
per cent, and the run-rate. Nothing here is stored; it is worked out each time, in
pounds and pence, so the total row is always exactly the sum of the partner rows.

Rules (stated in the report):
- The year-to-date plan is the annual plan phased evenly: month ``m`` of 12 gets
  ``annual × m / 12`` rounded to the penny (half up). Each partner's figure is rounded,
  and the system's is the sum of the partners' rounded figures.
- Surplus = income − expenditure (negative: deficit). Variance = actual or forecast
  surplus − planned surplus: negative is adverse (worse than plan).
- Variance per cent = variance ÷ planned expenditure × 100, to 2 places.
- Run-rate outturn = year-to-date actual surplus ÷ months reported × 12, to the penny:
  where the year ends if the rest of it goes as it has so far.
- A partner with no return for the month counts at plan (flagged "no return").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from budgets.money import PENNY

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def phase(annual: Decimal, month: int) -> Decimal:
    """The year-to-date share of an annual plan after ``month`` months (0–12)."""
    return (annual * month / 12).quantize(PENNY, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, base: Decimal) -> Decimal | None:
    if not base:
        return None
    return (amount / base * HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One partner's (or the system's) position at a month."""

    organisation_id: int | None
    name: str
    plan_income: Decimal
    plan_expenditure: Decimal
    ytd_plan_surplus: Decimal
    ytd_income: Decimal
    ytd_expenditure: Decimal
    forecast_income: Decimal
    forecast_expenditure: Decimal
    run_rate_surplus: Decimal
    capital_allocation: Decimal = ZERO
    submitted: bool = True
    late: bool = False

    @property
    def plan_surplus(self) -> Decimal:
        return self.plan_income - self.plan_expenditure

    @property
    def ytd_surplus(self) -> Decimal:
        return self.ytd_income - self.ytd_expenditure

    @property
    def ytd_variance(self) -> Decimal:
        return self.ytd_surplus - self.ytd_plan_surplus

    @property
    def forecast_surplus(self) -> Decimal:
        return self.forecast_income - self.forecast_expenditure

    @property
    def forecast_variance(self) -> Decimal:
        """Forecast surplus − planned surplus: negative is adverse."""
        return self.forecast_surplus - self.plan_surplus

    @property
    def forecast_variance_percent(self) -> Decimal | None:
        return percent_of(self.forecast_variance, self.plan_expenditure)

    @property
    def adverse(self) -> Decimal:
        """The adverse forecast variance in pounds (zero when on or better than plan)."""
        return max(-self.forecast_variance, ZERO)


@dataclass
class Position:
    """The system position at one month (0 = before any return)."""

    month: int
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None

    @property
    def month_label(self) -> str:
        return f"M{self.month}" if self.month else "Plan"


SUMMED = (
    "plan_income",
    "plan_expenditure",
    "ytd_plan_surplus",
    "ytd_income",
    "ytd_expenditure",
    "forecast_income",
    "forecast_expenditure",
    "run_rate_surplus",
    "capital_allocation",
)


def _total(rows: list[Row]) -> Row:
    sums = {name: sum((getattr(r, name) for r in rows), ZERO) for name in SUMMED}
    return Row(
        organisation_id=None,
        name="System total",
        submitted=all(r.submitted for r in rows),
        late=any(r.late for r in rows),
        **sums,
    )


def partner_row(line, month: int, ret=None) -> Row:
    """A partner's row from its line and its return for ``month`` (None: counted at plan).

    ``line`` needs ``organisation_id``, ``organisation.name``, ``planned_income``,
    ``planned_expenditure`` and ``capital_allocation``; ``ret`` the return's figures.
    """
    plan_in, plan_out = line.planned_income, line.planned_expenditure
    ytd_plan_in, ytd_plan_out = phase(plan_in, month), phase(plan_out, month)
    if ret is None:
        ytd_in, ytd_out, fc_in, fc_out = ytd_plan_in, ytd_plan_out, plan_in, plan_out
    else:
        ytd_in, ytd_out = ret.ytd_income, ret.ytd_expenditure
        fc_in, fc_out = ret.forecast_income, ret.forecast_expenditure
    run_rate = ((ytd_in - ytd_out) * 12 / month).quantize(PENNY, ROUND_HALF_UP) if month else ZERO
    if not month:
        run_rate = plan_in - plan_out
    return Row(
        organisation_id=line.organisation_id,
        name=line.organisation.name,
        plan_income=plan_in,
        plan_expenditure=plan_out,
        ytd_plan_surplus=ytd_plan_in - ytd_plan_out,
        ytd_income=ytd_in,
        ytd_expenditure=ytd_out,
        forecast_income=fc_in,
        forecast_expenditure=fc_out,
        run_rate_surplus=run_rate,
        capital_allocation=line.capital_allocation,
        submitted=ret is not None,
        late=bool(ret is not None and ret.is_late),
    )


def build(lines, month: int, returns_by_org: dict) -> Position:
    """The position at ``month`` from the lines and each partner's submitted return."""
    rows = [partner_row(line, month, returns_by_org.get(line.organisation_id)) for line in lines]
    return Position(month=month, rows=rows, total=_total(rows))
