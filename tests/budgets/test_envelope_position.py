"""The derived system position: to the penny over random returns (Hypothesis), the
stated rules (phasing, variance, per cent, run-rate), and a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import envelope_position, envelope_selectors
from budgets.models import MonthlyReturn
from budgets.services import envelope_returns

PENNY = Decimal("0.01")
pence = st.integers(min_value=0, max_value=10**11).map(lambda p: Decimal(p) / 100)


@dataclass
class _Org:
    name: str


@dataclass
class _Line:
    organisation_id: int
    organisation: _Org
    planned_income: Decimal
    planned_expenditure: Decimal
    capital_allocation: Decimal


@dataclass
class _Return:
    ytd_income: Decimal
    ytd_expenditure: Decimal
    forecast_income: Decimal
    forecast_expenditure: Decimal
    is_late: bool = False


partner = st.tuples(pence, pence, pence, pence, pence, pence, pence, st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(partner, min_size=1, max_size=12), st.integers(min_value=1, max_value=12))
def test_position_adds_up_to_the_penny(partners, month):
    lines, returns = [], {}
    for i, (inc, exp, cap, yi, ye, fi, fe, submitted) in enumerate(partners):
        lines.append(_Line(i, _Org(f"P{i}"), inc, exp, cap))
        if submitted:
            returns[i] = _Return(yi, ye, yi + fi, ye + fe)
    pos = envelope_position.build(lines, month, returns)
    total = pos.total
    for name in envelope_position.SUMMED:
        assert getattr(total, name) == sum(getattr(r, name) for r in pos.rows)
    assert total.forecast_variance == sum(r.forecast_variance for r in pos.rows)
    assert total.ytd_variance == sum(r.ytd_variance for r in pos.rows)
    for line, row in zip(lines, pos.rows, strict=True):
        ret = returns.get(line.organisation_id)
        plan = line.planned_income - line.planned_expenditure
        ytd_plan = (line.planned_income * month / 12).quantize(PENNY, ROUND_HALF_UP) - (
            line.planned_expenditure * month / 12
        ).quantize(PENNY, ROUND_HALF_UP)
        assert row.ytd_plan_surplus == ytd_plan
        if ret is None:  # counted at plan
            assert row.forecast_variance == 0 and not row.submitted
            continue
        forecast = ret.forecast_income - ret.forecast_expenditure
        assert row.forecast_variance == forecast - plan
        assert row.adverse == max(plan - forecast, Decimal(0))
        ytd = ret.ytd_income - ret.ytd_expenditure
        assert row.run_rate_surplus == (ytd * 12 / month).quantize(PENNY, ROUND_HALF_UP)
        for value in (row.forecast_variance, row.ytd_variance, row.run_rate_surplus):
            assert value == value.quantize(PENNY)
        if line.planned_expenditure:
            expected = (row.forecast_variance / line.planned_expenditure * 100).quantize(
                PENNY, ROUND_HALF_UP
            )
            assert row.forecast_variance_percent == expected
        else:
            assert row.forecast_variance_percent is None


def test_worked_example():
    line = _Line(1, _Org("Acute"), Decimal("620000000.00"), Decimal("628500000.00"), Decimal(0))
    ret = _Return(
        Decimal("361000000.00"),
        Decimal("368000000.00"),
        Decimal("620000000.00"),
        Decimal("636000000.00"),
    )
    row = envelope_position.build([line], 7, {1: ret}).rows[0]
    assert row.ytd_plan_surplus == Decimal("-4958333.33")  # 361,666,666.67 − 366,625,000.00
    assert row.ytd_variance == Decimal("-2041666.67")
    assert row.forecast_variance == Decimal("-7500000.00")
    assert row.forecast_variance_percent == Decimal("-1.19")
    assert row.run_rate_surplus == Decimal("-12000000.00")


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(pence, pence), min_size=4, max_size=4))
def test_position_from_submitted_returns_matches_the_rows(make_envelope, env_parties, figures):
    """Through the services and the selector: whatever the partners submit, the system
    total is the sum of the partners' rows to the penny."""
    p = env_parties
    envelope = envelope_selectors.envelopes_visible_to(p["icb_sec"]).first() or make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 5, 20))
    keys = ("icb", "acute", "mh", "amb")
    for key, (ytd, extra) in zip(keys, figures, strict=True):
        ret = MonthlyReturn.objects.get(month__envelope=envelope, line__organisation=p[key])
        envelope_returns.return_submit(
            actor=p[f"{key}_lead"],
            envelope_return=ret,
            ytd_income=str(ytd),
            ytd_expenditure=str(ytd + extra),
            forecast_income=str(ytd * 12),
            forecast_expenditure=str((ytd + extra) * 12),
        )
    pos = envelope_selectors.position(envelope)
    assert pos.month == 1
    assert pos.total.forecast_surplus == sum(r.forecast_surplus for r in pos.rows)
    assert pos.total.forecast_variance == pos.total.forecast_surplus - envelope.surplus_total
    for key, (_ytd, extra) in zip(keys, figures, strict=True):
        row = next(r for r in pos.rows if r.organisation_id == p[key].pk)
        assert row.ytd_surplus == -extra
        assert row.forecast_surplus == -extra * 12


@pytest.mark.django_db
def test_position_query_count_does_not_grow_with_partners_or_months(make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 11, 20))
    with CaptureQueriesContext(connection) as ctx:
        pos = envelope_selectors.position(envelope)
    assert pos.month == 0 and len(pos.rows) == 4
    assert len(ctx.captured_queries) == 2  # the latest month with returns (none), the lines
    lead_of = {p[k].pk: p[f"{k}_lead"] for k in ("icb", "acute", "mh", "amb")}
    for ret in MonthlyReturn.objects.filter(month__envelope=envelope).select_related("line"):
        envelope_returns.return_submit(
            actor=lead_of[ret.line.organisation_id],
            envelope_return=ret,
            ytd_income="0.00",
            ytd_expenditure="0.00",
            forecast_income=str(ret.line.planned_income),
            forecast_expenditure=str(ret.line.planned_expenditure),
        )
    with CaptureQueriesContext(connection) as ctx:
        pos = envelope_selectors.position(envelope)
    assert pos.month == 7 and all(r.submitted for r in pos.rows)
    assert len(ctx.captured_queries) == 3  # latest month, lines, the month's returns
    with CaptureQueriesContext(connection) as ctx:
        months = envelope_selectors.trajectory(envelope)
    assert [m.month for m in months] == [1, 2, 3, 4, 5, 6, 7]
    assert len(ctx.captured_queries) == 2  # lines, every submitted return
